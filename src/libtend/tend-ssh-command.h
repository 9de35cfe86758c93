/* tend-ssh-command.h — the only commands Tend runs on a remote host, and their output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-journal.h"
#include "tend-types.h"
#include "tend-unit-list.h"

G_BEGIN_DECLS

/**
 * TendSshCommandContext:
 * @scope: `systemctl --user` or the system's manager
 * @sudo: %TEND_INVENTORY_SUDO_NONE, or prefix `sudo -n` (both sudo modes: Tend never
 *   types a password)
 *
 * Every command is an argv array from a fixed list, each argument validated (unit names
 * by systemd's grammar, tend_unit_name_validate()) before anything is sent:
 * `systemctl [--user] show|list-units|start|stop|restart|reload|enable|disable|
 * reset-failed …`, `journalctl … -o json`, and command checks' argv. Bad input fails with
 * %TEND_ERROR_INVALID_ARGUMENT naming the argument and why, and nothing is built.
 */
typedef struct
{
  TendHostScope     scope;
  TendInventorySudo sudo;
  /* Added by the backend: the remote's systemd (systemctl --version), 0 when not known
   * yet. From 247 on, show asks for --timestamp=us+utc. */
  guint             systemd_version;
} TendSshCommandContext;

/* systemctl --version (never through sudo): the first query on a connection */
char      **tend_ssh_command_version      (void);
/* systemctl [--user] list-unit-files --no-legend --no-pager --plain --full */
char      **tend_ssh_command_list_unit_files (const TendSshCommandContext *ctx);

/* systemctl list-units --all: --no-legend --output=json when @json; else the plain table
 * with its header line, which tells its columns apart (JOB comes and goes) */
char      **tend_ssh_command_list_units   (const TendSshCommandContext *ctx,
                                           gboolean                     json);
/* systemctl show UNIT… -p P… : the properties TendService applies, for each unit */
char      **tend_ssh_command_show         (const TendSshCommandContext *ctx,
                                           const char * const          *units,
                                           GError                     **error);
/* systemctl start|stop|… UNIT (waits for the job, as systemctl does) */
char      **tend_ssh_command_action       (const TendSshCommandContext *ctx,
                                           const char                  *unit,
                                           TendUnitAction               action,
                                           GError                     **error);
/* journalctl -u UNIT -o json … as tend_journal_build_argv() builds it */
char      **tend_ssh_command_journal      (const TendSshCommandContext *ctx,
                                           const char                  *unit,
                                           const TendJournalQuery      *query,
                                           GError                     **error);
/* A command check's argv, validated (no empty argv, argv[0] absolute) */
char      **tend_ssh_command_check        (const TendSshCommandContext *ctx,
                                           const char * const          *argv,
                                           GError                     **error);

/* The sudoers lines that allow exactly these commands for @user, nothing more */
char       *tend_ssh_command_sudoers      (const TendSshCommandContext *ctx,
                                           const char                  *user);

/* Output */
TendUnitList *tend_ssh_parse_list_units_json  (const char   *text,
                                               gsize         length,
                                               GError      **error);
TendUnitList *tend_ssh_parse_list_units_plain (const char   *text,
                                               gsize         length,
                                               GError      **error);
/* `systemctl show` output (blocks of KEY=VALUE separated by blank lines, one block per
 * unit, in the order asked) as one a{sv} per unit with systemd's D-Bus types, as
 * TendService applies them */
/* list-unit-files: the files as inactive units with their unit-file state */
TendUnitList *tend_ssh_parse_unit_files       (const char   *text,
                                               gsize         length,
                                               GError      **error);
/* "systemd 252 (…)" → 252; 0 with @error set for anything else */
guint       tend_ssh_parse_version        (const char   *text,
                                           gsize         length,
                                           GError      **error);
GPtrArray  *tend_ssh_parse_show           (const char   *text,
                                           gsize         length,
                                           GError      **error);

G_END_DECLS
