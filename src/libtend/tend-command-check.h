/* tend-command-check.h — a check that runs a command (the Nagios plugin convention)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-check.h"

G_BEGIN_DECLS

/* How much of a command's output (stdout and stderr together) a run keeps; the rest is
 * read and dropped so that the command never blocks on a full pipe. */
#define TEND_COMMAND_CHECK_MAX_OUTPUT (64 * 1024)

#define TEND_TYPE_COMMAND_CHECK (tend_command_check_get_type ())
G_DECLARE_FINAL_TYPE (TendCommandCheck, tend_command_check, TEND, COMMAND_CHECK, TendCheck)

TendCheck          *tend_command_check_new             (const char         *name,
                                                        const char * const *argv,
                                                        GError            **error);
TendCheck          *tend_command_check_new_for_host    (const char         *name,
                                                        const char * const *argv,
                                                        TendHost           *host,
                                                        GError            **error);

const char * const *tend_command_check_get_argv        (TendCommandCheck   *self);
const char * const *tend_command_check_get_environment (TendCommandCheck   *self);
gboolean            tend_command_check_set_environment (TendCommandCheck   *self,
                                                        const char * const *environment,
                                                        GError            **error);

G_END_DECLS
