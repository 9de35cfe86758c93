/* tend-ssh-command.c — the only commands Tend runs on a remote host, and their output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SKELETON: the contract of tend-ssh-command.h; the helper "backend" writes it.
 */
#include "config.h"

#include "tend-ssh-command.h"

#include "tend-error.h"

static void
not_yet (GError **error)
{
  g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED, "SSH is not written yet");
}

char **tend_ssh_command_list_units (const TendSshCommandContext *ctx, gboolean json) { return NULL; }
char **tend_ssh_command_show (const TendSshCommandContext *ctx, const char * const *units, GError **error) { not_yet (error); return NULL; }
char **tend_ssh_command_action (const TendSshCommandContext *ctx, const char *unit, TendUnitAction action, GError **error) { not_yet (error); return NULL; }
char **tend_ssh_command_journal (const TendSshCommandContext *ctx, const char *unit, const TendJournalQuery *query, GError **error) { not_yet (error); return NULL; }
char **tend_ssh_command_check (const TendSshCommandContext *ctx, const char * const *argv, GError **error) { not_yet (error); return NULL; }
char *tend_ssh_command_sudoers (const TendSshCommandContext *ctx, const char *user) { return NULL; }
TendUnitList *tend_ssh_parse_list_units_json (const char *text, gsize length, GError **error) { not_yet (error); return NULL; }
TendUnitList *tend_ssh_parse_list_units_plain (const char *text, gsize length, GError **error) { not_yet (error); return NULL; }
GPtrArray *tend_ssh_parse_show (const char *text, gsize length, GError **error) { not_yet (error); return NULL; }
