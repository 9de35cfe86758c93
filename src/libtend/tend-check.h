/* tend-check.h — one health check of a service; each kind is a subclass
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

/**
 * TendCheckVerdict:
 * @status: pass, warn (degraded), fail (critical) or unknown
 * @failure: why, when not a pass
 * @latency_usec: how long the probe took, -1 when it got no answer; a probe may give
 *   %TEND_CHECK_LATENCY_ELAPSED and tend_check_run_async() fills in the time it took
 * @message: one line a person can read ("HTTP 200 in 12 ms", "connection refused
 *   on 127.0.0.1:8080")
 *
 * What one run of a check found.
 */
struct _TendCheckVerdict
{
  TendResultStatus status;
  TendCheckFailure failure;
  gint64 latency_usec;
  char *message;
};

#define TEND_CHECK_LATENCY_ELAPSED (-2)

#define TEND_TYPE_CHECK_VERDICT (tend_check_verdict_get_type ())
GType             tend_check_verdict_get_type (void) G_GNUC_CONST;
TendCheckVerdict *tend_check_verdict_new      (TendResultStatus        status,
                                               TendCheckFailure        failure,
                                               gint64                  latency_usec,
                                               const char             *format,
                                               ...) G_GNUC_PRINTF (4, 5);
TendCheckVerdict *tend_check_verdict_copy     (const TendCheckVerdict *verdict);
void              tend_check_verdict_free     (TendCheckVerdict       *verdict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendCheckVerdict, tend_check_verdict_free)

/* A run on a kind's cheap path: private to libtend (tend-check-private.h). */
typedef struct _TendCheckRun TendCheckRun;

#define TEND_TYPE_CHECK (tend_check_get_type ())
G_DECLARE_DERIVABLE_TYPE (TendCheck, tend_check, TEND, CHECK, GObject)

/**
 * TendCheckClass:
 * @probe_async: runs the probe once. It must not block the main loop, must stop
 *   promptly when @cancellable is cancelled, and finishes with a verdict — a failure
 *   of the service is a verdict, not an error. An error is for the check itself being
 *   unusable (bad parameters), and is reported as an unknown verdict.
 * @probe_finish: returns the verdict. The default takes it from the #GTask (source object
 *   the check) that the probe returned it on with g_task_return_pointer(); a kind that
 *   does so needs none of its own.
 * @live: the kind learns of changes as they happen and says so with TendCheck::changed
 *   (the unit check): a monitor runs it at once when it starts, not after a jitter
 * @dup_target: what the check looks at, as a person names it: a URL, "host:port", a
 *   unit's name, a command's path
 * @start_run: (optional) starts a run without a #GTask of its own (the cheap path, see
 *   tend-check-run.c): returns %FALSE when this run cannot take it (probe_async runs it
 *   then), or %TRUE and ends it later with tend_check_run_return()
 * @stop_run: drops what start_run began for @run (it ended at its timeout, or was
 *   stopped); tend_check_run_return() is not called for it afterwards
 *
 * Subclasses implement the probe; timing, the timeout and cancellation are the base
 * class's (see tend_check_run_async()).
 */
struct _TendCheckClass
{
  GObjectClass parent_class;

  const char *kind;   /* "http", "tcp" ... */
  gboolean live;      /* told of changes as they happen (TendCheck::changed) */
  gboolean verdict_of_systemd;  /* its verdict is systemd's own: no start-up grace holds
                                 * it back (the grace is for probes of a starting service) */

  void               (*probe_async)  (TendCheck            *self,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  TendCheckVerdict * (*probe_finish) (TendCheck            *self,
                                      GAsyncResult         *result,
                                      GError              **error);

  char *             (*dup_target)   (TendCheck            *self);

  gboolean           (*start_run)    (TendCheck            *self,
                                      TendCheckRun         *run);
  void               (*stop_run)     (TendCheck            *self,
                                      TendCheckRun         *run);

  gpointer padding[4];
};

const char       *tend_check_get_kind          (TendCheck            *self);
const char       *tend_check_get_name          (TendCheck            *self);
char             *tend_check_dup_target        (TendCheck            *self);
gint64            tend_check_get_interval      (TendCheck            *self);
gint64            tend_check_get_timeout       (TendCheck            *self);
guint             tend_check_get_failures_before_hard (TendCheck     *self);
guint             tend_check_get_successes_before_recovered (TendCheck *self);
gint64            tend_check_get_startup_grace (TendCheck            *self);
gint64            tend_check_get_effective_grace (TendCheck          *self);
gboolean          tend_check_get_enabled       (TendCheck            *self);

gboolean          tend_check_set_timing        (TendCheck            *self,
                                                gint64                interval_usec,
                                                gint64                timeout_usec,
                                                GError              **error);

void              tend_check_run_async         (TendCheck            *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
TendCheckVerdict *tend_check_run_finish        (TendCheck            *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
