/* tendctl.h — what the command groups of tendctl share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <glib/gi18n.h>

#include "tend.h"

G_BEGIN_DECLS

/**
 * TendctlExit:
 * @TENDCTL_EXIT_OK: everything asked for was done
 * @TENDCTL_EXIT_FAILED: an operation failed (a job failed, timed out, was cancelled or
 *   is not supported by the unit), or some other failure
 * @TENDCTL_EXIT_USAGE: a usage error or invalid input; nothing was sent
 * @TENDCTL_EXIT_NOT_FOUND: a unit does not exist
 * @TENDCTL_EXIT_PERMISSION: the manager or polkit refused
 * @TENDCTL_EXIT_UNREACHABLE: no bus, or no service manager on it; an SSH host that does
 *   not answer
 * @TENDCTL_EXIT_ACCESS: the host's access level in Tend does not allow the operation
 *   (a viewer host; stop, enable or disable on an operator host)
 * @TENDCTL_EXIT_HOST_KEY: an SSH host's key is unknown (confirm its fingerprint) or
 *   changed (refused)
 * @TENDCTL_EXIT_AUTH: an SSH host refused every key Tend could offer
 * @TENDCTL_EXIT_ENGINE_BUSY: `tendctl monitor` only: another engine (the window's, or
 *   another tendctl monitor) already runs for the data directory; the systemd user unit
 *   tend-monitor.service counts it as a clean exit, not a failure to restart
 *
 * Where one command does several things (a bulk start, a status of several units) it
 * exits with the most serious status of all of them; see tendctl_exit_worst().
 */
typedef enum
{
  TENDCTL_EXIT_OK = 0,
  TENDCTL_EXIT_FAILED = 1,
  TENDCTL_EXIT_USAGE = 2,
  TENDCTL_EXIT_NOT_FOUND = 3,
  TENDCTL_EXIT_PERMISSION = 4,
  TENDCTL_EXIT_UNREACHABLE = 5,
  TENDCTL_EXIT_ACCESS = 6,
  TENDCTL_EXIT_HOST_KEY = 7,
  TENDCTL_EXIT_AUTH = 8,
  TENDCTL_EXIT_ENGINE_BUSY = 9,
} TendctlExit;

/* The options every command accepts, before or after the command's name. */
typedef struct
{
  gboolean user;
  gboolean system;
  char *host;        /* (nullable) --host NAME: a host of Tend's inventory */
} TendctlGlobalOptions;

/* One command-line invocation: the host it talks to and the loop it waits on. */
typedef struct _TendctlRun TendctlRun;

struct _TendctlRun
{
  TendHost     *host;          /* (owned) */
  TendStore    *store;         /* (owned) (nullable) open, with TENDCTL_RUN_STORE */
  GMainLoop    *loop;          /* (owned) */
  GCancellable *cancellable;   /* (owned) */
  TendctlExit   status;
  gboolean      done;          /* tendctl_run_quit() was called */
};

/**
 * TendctlRunFlags:
 * @TENDCTL_RUN_CONNECT: connect to the service manager first
 * @TENDCTL_RUN_STORE: open the database first; the command fails if it cannot
 * @TENDCTL_RUN_AUDIT: open the database and record the host's operations in its audit
 *   log; if it cannot be opened, say so and go on without it (a broken disk must not
 *   stop anyone from restarting a service)
 * @TENDCTL_RUN_READ_ONLY: as %TENDCTL_RUN_STORE, for a command that only reads: the
 *   database is opened read-only (it works in a read-only folder, and creates nothing)
 * @TENDCTL_RUN_HOST_UNCHECKED: a --host that is not in the inventory is the command's
 *   to refuse (an edit, which records the refusal): the run's host is then this
 *   computer's of the scope
 * @TENDCTL_RUN_NO_HOST: the command is about the whole of Tend: --host is refused
 * @TENDCTL_RUN_CONNECT_REMOTE: connect first when the host is an SSH host (its journal
 *   is read over its session)
 * @TENDCTL_RUN_EXIT_AT_ONCE: a command that only reads: when it ran on this computer's
 *   manager without the database, the process ends as soon as its output is written,
 *   without taking the host and the libraries apart (an SSH host, whose session is
 *   closed first, comes with the database)
 */
typedef enum
{
  TENDCTL_RUN_CONNECT = 1 << 0,
  TENDCTL_RUN_STORE = 1 << 1,
  TENDCTL_RUN_AUDIT = 1 << 2,
  TENDCTL_RUN_READ_ONLY = 1 << 3,
  TENDCTL_RUN_HOST_UNCHECKED = 1 << 4,
  TENDCTL_RUN_NO_HOST = 1 << 5,
  TENDCTL_RUN_CONNECT_REMOTE = 1 << 6,
  TENDCTL_RUN_EXIT_AT_ONCE = 1 << 7,
} TendctlRunFlags;

/* --host HOST of the commands that change a service of the inventory: the same as the
 * global --host (tendctl_parse_options() keeps the two in step) */
#define TENDCTL_HOST_ENTRY(target) \
  { "host", 0, 0, G_OPTION_ARG_STRING, (target), \
    N_("The service's host in Tend's inventory (default: this computer's)"), "HOST" }

/* A command, or a subcommand of a group: parses its own arguments (argv[0] is its name) */
typedef TendctlExit (*TendctlCommandFunc) (TendctlGlobalOptions *global,
                                           int                   argc,
                                           char                **argv);

/* Called once the host is connected (or at once, for commands that need no bus). */
typedef void (*TendctlReadyFunc) (TendctlRun *run,
                                  gpointer    user_data);

TendHostScope tendctl_global_options_get_scope (const TendctlGlobalOptions *options);

gboolean      tendctl_parse_options   (const char            *command,
                                       const char            *parameter_string,
                                       const char            *summary,
                                       const GOptionEntry    *entries,
                                       TendctlGlobalOptions  *global,
                                       int                   *argc,
                                       char                ***argv);
int           tendctl_parse_subcommand (const char           *command,
                                        const char           *summary,
                                        const char * const   *names,
                                        TendctlGlobalOptions *global,
                                        int                   argc,
                                        char                **argv);
TendctlExit   tendctl_run_subcommand  (const char           *command,
                                       const char           *summary,
                                       const char * const   *names,
                                       const TendctlCommandFunc *funcs,
                                       TendctlGlobalOptions *global,
                                       int                   argc,
                                       char                **argv);
gboolean      tendctl_check_units     (const char * const    *units,
                                       gboolean               allow_templates);
char         *tendctl_check_unit      (const char            *name,
                                       gboolean               allow_templates);
gboolean      tendctl_validate_unit   (const char            *name,
                                       GError               **error);
gboolean      tendctl_parse_whole     (const char            *option,
                                       const char            *text,
                                       gint64                 max,
                                       gint64                *value,
                                       GError               **error);
gboolean      tendctl_parse_number    (const char            *option,
                                       const char            *text,
                                       double                *value,
                                       GError               **error);
gboolean      tendctl_parse_choice    (const char            *option,
                                       const char            *what,
                                       const char * const    *names,
                                       const char            *text,
                                       guint                 *choice,
                                       GError               **error);
gboolean      tendctl_parse_time      (const char            *text,
                                       gboolean               ago,
                                       gint64                 now,
                                       gint64                *realtime_usec,
                                       GError               **error);
void          tendctl_usage_error     (const char            *command,
                                       const char            *format,
                                       ...) G_GNUC_PRINTF (2, 3);

TendctlExit   tendctl_run             (const TendctlGlobalOptions *global,
                                       TendctlRunFlags        flags,
                                       TendctlReadyFunc       ready,
                                       gpointer               user_data);
void          tendctl_run_quit        (TendctlRun            *run,
                                       TendctlExit            status);
char         *tendctl_store_path      (void);
gboolean      tendctl_optional_unit   (const char            *command,
                                       char                 **units,
                                       const char           **unit);

/* Called with the id of the unit's service in the database, or -1 for every service. */
typedef void (*TendctlServiceFunc) (TendctlRun *run,
                                    gint64      service_id,
                                    gpointer    user_data);

void          tendctl_with_service    (TendctlRun            *run,
                                       const char            *unit,
                                       TendctlServiceFunc     func,
                                       gpointer               user_data);

void          tendctl_notify_engine   (const char            *store_path);
void          tendctl_say_engine_told (GPid                   pid,
                                       const char            *warning);

/* The commands: each parses its own arguments (argv[0] is the command's name). */
TendctlExit   tendctl_list            (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_status          (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_control         (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_logs            (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_config          (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_history         (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_incidents       (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_export          (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_import          (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_audit           (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_check           (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_watch           (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_health          (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_demo            (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_monitor         (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_policy          (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_silence         (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_resume          (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_maintenance     (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_host            (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);
TendctlExit   tendctl_recover         (TendctlGlobalOptions  *global,
                                       int                    argc,
                                       char                 **argv);

G_END_DECLS
