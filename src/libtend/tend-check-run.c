/* tend-check-run.c — runs of checks on the cheap path: no GTask, cancellable or timer
 * source of their own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run through tend_check_run_async() costs a GTask for the run and one for the kind's
 * probe, a GCancellable for each with a handler connected to the caller's, and a timeout
 * GSource: on a plain HTTP GET or a TCP connect over loopback, that was most of the
 * main loop's own instructions per check (docs/benchmarks.md, issue 14). A kind with a
 * start_run (the TCP check's connect, the HTTP check) runs here instead:
 *
 *  - the run is one small struct; the kind keeps what it needs in its data pointer and
 *    ends the run with tend_check_run_return();
 *  - its timeout waits in a queue of the runs with the same timeout: their deadlines come
 *    in the order the runs started, so each queue is sorted by itself and a run leaves
 *    it in O(1). One GSource for all the queues finds the earliest deadline in its
 *    prepare (no ready time to set, which would write to the context's wakeup descriptor
 *    each time it moved), and ends the runs whose deadline has come;
 *  - a verdict that comes while the run starts, and a run aborted, end in that source's
 *    next dispatch: a caller never sees its callback before tend_check_start() returns.
 *
 * tend_check_start() is what the monitor uses; it takes the kind's probe_async where the
 * kind has no cheap path for the run (the same callback, the same timeout verdict), so
 * the monitor has one way to run every kind. tend_check_run_async() takes the cheap path
 * too, behind a TendResult (tend-result.c), so the tests of the kinds run it.
 *
 * Runs belong to the probes' main context (tend_probe_is_available(): that of the
 * thread that first used them); elsewhere the kinds' probe_async runs them.
 */
#define G_LOG_DOMAIN "Tend-Checks"

#include "tend-check-private.h"
#include "tend-error.h"
#include "tend-host.h"
#include "tend-probe.h"
#include "tend-result-private.h"

struct _TendCheckRun
{
  TendCheck *check;             /* (owned) */
  TendCheckRunDone done;
  gpointer user_data;
  gint64 started;               /* monotonic µs */
  gint64 deadline;              /* monotonic µs */
  GList link;                   /* in its timeout's queue, or in the ended queue */
  GQueue *queue;                /* (unowned) (nullable) the queue it is in */
  gpointer data;                /* the kind's */
  TendCheckVerdict *verdict;    /* (owned) (nullable) waiting in the ended queue */
  GCancellable *cancellable;    /* (owned) (nullable) on probe_async: the run's */
  gboolean quick;               /* on the kind's start_run */
  gboolean starting;            /* in tend_check_start() */
  gboolean stopped;             /* on probe_async: stopped, its callback frees it */
};

typedef struct
{
  gint64 timeout;
  GQueue runs;                  /* (element-type TendCheckRun) by deadline */
} TimeoutQueue;

typedef struct
{
  GSource source;
  GPtrArray *queues;            /* (element-type TimeoutQueue) one per timeout in use */
  GQueue ended;                 /* (element-type TendCheckRun) to end in the next dispatch */
} RunSource;

static RunSource *run_source;

static gint64
first_deadline (RunSource *self)
{
  gint64 first = G_MAXINT64;

  for (guint i = 0; i < self->queues->len; i++)
    {
      TimeoutQueue *queue = g_ptr_array_index (self->queues, i);

      if (queue->runs.head != NULL)
        first = MIN (first, ((TendCheckRun *) queue->runs.head->data)->deadline);
    }
  return first;
}

static gboolean
run_source_prepare (GSource *source,
                    gint    *timeout)
{
  RunSource *self = (RunSource *) source;
  gint64 first = first_deadline (self);
  gint64 now;

  *timeout = -1;
  if (self->ended.length > 0)
    return TRUE;
  if (first == G_MAXINT64)
    return FALSE;
  now = g_source_get_time (source);
  if (first <= now)
    return TRUE;
  *timeout = (gint) MIN ((first - now + 999) / 1000, G_MAXINT);
  return FALSE;
}

static gboolean
run_source_check (GSource *source)
{
  RunSource *self = (RunSource *) source;

  return self->ended.length > 0 || first_deadline (self) <= g_source_get_time (source);
}

static void
run_unqueue (TendCheckRun *run)
{
  if (run->queue != NULL)
    {
      g_queue_unlink (run->queue, &run->link);
      run->queue = NULL;
    }
}

static void
run_free (TendCheckRun *run)
{
  g_assert (run->queue == NULL);
  g_clear_pointer (&run->verdict, tend_check_verdict_free);
  g_clear_object (&run->cancellable);
  g_object_unref (run->check);
  g_free (run);
}

/* Calls @run's callback with @verdict (transfer full) and frees it. */
static void
run_finish (TendCheckRun     *run,
            TendCheckVerdict *verdict)
{
  run_unqueue (run);
  if (verdict != NULL && verdict->latency_usec == TEND_CHECK_LATENCY_ELAPSED)
    verdict->latency_usec = g_get_monotonic_time () - run->started;
  run->done (run, verdict, run->user_data);
  run_free (run);
}

/* Ends @run in the next dispatch with @verdict (transfer full, nullable). */
static void
run_end_later (TendCheckRun     *run,
               TendCheckVerdict *verdict)
{
  run_unqueue (run);
  g_clear_pointer (&run->verdict, tend_check_verdict_free);
  run->verdict = verdict;
  g_queue_push_tail_link (&run_source->ended, &run->link);
  run->queue = &run_source->ended;
}

static gboolean
run_source_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  RunSource *self = (RunSource *) source;
  gint64 now = g_source_get_time (source);

  for (guint i = 0; i < self->queues->len; i++)
    {
      TimeoutQueue *queue = g_ptr_array_index (self->queues, i);
      TendCheckRun *run;

      /* A callback may start and stop runs: one at a time from the head. */
      while (queue->runs.head != NULL &&
             (run = queue->runs.head->data)->deadline <= now)
        {
          TendCheckClass *klass = TEND_CHECK_GET_CLASS (run->check);

          run_unqueue (run);
          if (run->data != NULL)
            klass->stop_run (run->check, run);
          run->data = NULL;
          run_finish (run, tend_check_timeout_verdict (run->check));
        }
    }

  for (GList *link; (link = self->ended.head) != NULL;)
    {
      TendCheckRun *run = link->data;

      run_finish (run, g_steal_pointer (&run->verdict));
    }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs run_source_funcs = {
  .prepare = run_source_prepare,
  .check = run_source_check,
  .dispatch = run_source_dispatch,
};

/* Whether runs can take the cheap path here: where the probes run (the main loop's
 * context, tend-probe.c). */
static gboolean
run_source_is_here (void)
{
  GMainContext *context;

  if (!tend_probe_is_available ())
    return FALSE;
  if (run_source != NULL)
    return TRUE;

  run_source = (RunSource *) g_source_new (&run_source_funcs, sizeof (RunSource));
  run_source->queues = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&run_source->ended);
  g_source_set_static_name (&run_source->source, "[tend] check runs");
  /* A callback may iterate the loop (a test's nested loop): nothing here breaks. */
  g_source_set_can_recurse (&run_source->source, TRUE);
  context = g_main_context_ref_thread_default ();
  g_source_attach (&run_source->source, context);
  g_main_context_unref (context);
  return TRUE;
}

static GQueue *
timeout_queue (gint64 timeout)
{
  TimeoutQueue *queue;

  for (guint i = 0; i < run_source->queues->len; i++)
    {
      queue = g_ptr_array_index (run_source->queues, i);
      if (queue->timeout == timeout)
        return &queue->runs;
    }
  queue = g_new0 (TimeoutQueue, 1);
  queue->timeout = timeout;
  g_queue_init (&queue->runs);
  g_ptr_array_add (run_source->queues, queue);
  return &queue->runs;
}

static TendCheckRun *
run_new (TendCheck        *check,
         TendCheckRunDone  done,
         gpointer          user_data)
{
  TendCheckRun *run = g_new0 (TendCheckRun, 1);

  run->check = g_object_ref (check);
  run->done = done;
  run->user_data = user_data;
  run->link.data = run;
  run->started = g_get_monotonic_time ();
  return run;
}

/* Starts @run on its kind's start_run. Returns FALSE when it cannot take the cheap path
 * (@run is then untouched). */
static gboolean
run_start_quick (TendCheckRun *run)
{
  TendCheckClass *klass = TEND_CHECK_GET_CLASS (run->check);
  TendHost *host = tend_check_get_remote_host (run->check);
  gint64 timeout = tend_check_get_timeout (run->check);

  /* A service on an SSH host that is away: probe_async's run says so. */
  if (klass->start_run == NULL || (host != NULL && !tend_host_get_connected (host)) ||
      !run_source_is_here ())
    return FALSE;

  run->deadline = run->started + timeout;
  run->queue = timeout_queue (timeout);
  g_queue_push_tail_link (run->queue, &run->link);
  run->quick = TRUE;
  run->starting = TRUE;
  if (!klass->start_run (run->check, run))
    {
      run_unqueue (run);
      run->quick = FALSE;
      run->starting = FALSE;
      return FALSE;
    }
  run->starting = FALSE;
  return TRUE;
}

/**
 * tend_check_run_return:
 * @verdict: (transfer full)
 *
 * For kinds: ends @run, started by their start_run, with @verdict. The kind has let go
 * of what it kept for the run (its data is not looked at again).
 */
void
tend_check_run_return (TendCheckRun     *run,
                       TendCheckVerdict *verdict)
{
  g_return_if_fail (run != NULL && run->quick && verdict != NULL);

  run->data = NULL;
  if (run->starting)
    run_end_later (run, verdict);
  else
    run_finish (run, verdict);
}

static void
slow_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TendCheckRun *run = user_data;
  g_autoptr(GError) error = NULL;
  TendCheckVerdict *verdict;

  verdict = tend_check_run_finish (TEND_CHECK (object), result, &error);
  if (run->stopped)
    {
      g_clear_pointer (&verdict, tend_check_verdict_free);
      run_free (run);
      return;
    }
  if (verdict == NULL)
    verdict = tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER, -1,
                                      "the check could not run: %s",
                                      error != NULL ? error->message : "no verdict");
  run_finish (run, verdict);
}

/**
 * tend_check_start:
 * @done: called once with the verdict, in a later dispatch, unless the run is stopped
 *   first
 *
 * Runs the check once, cut at its timeout, as tend_check_run_async() does, on the cheap
 * path where the kind has one for this run.
 *
 * Returns: (transfer none): the run, until @done has been called or
 *   tend_check_run_stop()
 */
TendCheckRun *
tend_check_start (TendCheck        *self,
                  TendCheckRunDone  done,
                  gpointer          user_data)
{
  TendCheckRun *run;

  g_return_val_if_fail (TEND_IS_CHECK (self), NULL);
  g_return_val_if_fail (done != NULL, NULL);

  run = run_new (self, done, user_data);
  if (run_start_quick (run))
    return run;

  run->cancellable = g_cancellable_new ();
  tend_check_run_async_slow (self, run->cancellable, slow_done, run);
  return run;
}

/**
 * tend_check_run_stop:
 *
 * Gives @run up: what it does stops (its connection closes), and its callback is not
 * called. Call on the thread that started it.
 */
void
tend_check_run_stop (TendCheckRun *run)
{
  g_return_if_fail (run != NULL);

  if (!run->quick)
    {
      /* Its GTask still ends (cancelled): slow_done frees it then. */
      run->stopped = TRUE;
      g_cancellable_cancel (run->cancellable);
      return;
    }
  run_unqueue (run);
  if (run->data != NULL)
    TEND_CHECK_GET_CLASS (run->check)->stop_run (run->check, run);
  run_free (run);
}

/**
 * tend_check_run_abort:
 *
 * Stops @run as tend_check_run_stop() does, but its callback is still called, with a
 * %NULL verdict, in the next dispatch. Only for runs on the cheap path.
 */
void
tend_check_run_abort (TendCheckRun *run)
{
  g_return_if_fail (run != NULL && run->quick);

  if (run->queue == &run_source->ended)
    {
      /* Ending already: it ends cancelled instead. */
      g_clear_pointer (&run->verdict, tend_check_verdict_free);
      return;
    }
  if (run->data != NULL)
    TEND_CHECK_GET_CLASS (run->check)->stop_run (run->check, run);
  run->data = NULL;
  run_end_later (run, NULL);
}

TendCheck *
tend_check_run_get_check (TendCheckRun *run)
{
  return run->check;
}

gint64
tend_check_run_get_started (TendCheckRun *run)
{
  return run->started;
}

gpointer
tend_check_run_get_data (TendCheckRun *run)
{
  return run->data;
}

void
tend_check_run_set_data (TendCheckRun *run,
                         gpointer      data)
{
  run->data = data;
}

/* ------------------------------------------------------------------------------------ */
/* tend_check_run_async() on the cheap path                                              */

typedef struct
{
  TendCheckRun *run;            /* (nullable) until its callback */
  gulong handler;               /* on the result's cancellable, until its callback */
} AsyncRun;

static void
async_done (TendCheckRun     *run,
            TendCheckVerdict *verdict,
            gpointer          user_data)
{
  TendResult *result = user_data;
  AsyncRun *data = tend_result_get_data (result);

  /* Never within async_cancelled(): an abort ends the run in a later dispatch. */
  data->run = NULL;
  if (data->handler != 0)
    g_cancellable_disconnect (tend_result_get_cancellable (result), data->handler);
  data->handler = 0;
  if (verdict == NULL)
    tend_result_return_error (result, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                           "the check was cancelled"));
  else
    tend_result_return_pointer (result, verdict, (GDestroyNotify) tend_check_verdict_free);
  g_object_unref (result);
}

/* May run in whichever thread cancelled: the probes' is the main loop's. */
static void
async_cancelled (GCancellable *cancellable,
                 gpointer      user_data)
{
  AsyncRun *data = user_data;

  /* It ends in the next dispatch, where its callback disconnects this handler (which
   * cannot be done from within it). */
  if (data->run != NULL)
    tend_check_run_abort (data->run);
}

/* tend_check_run_async() on the cheap path, when the kind has one for this run: its
 * result is a TendResult, whose callback comes straight from the run's (a later
 * dispatch than the call, always). */
gboolean
tend_check_run_quick_async (TendCheck           *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  TendCheckRun *run = run_new (self, async_done, NULL);
  TendResult *result;
  AsyncRun *data;

  /* Its callback comes in a later dispatch: the result can be made after. */
  if (!run_start_quick (run))
    {
      run_free (run);
      return FALSE;
    }

  result = tend_result_new (self, tend_check_run_async, cancellable, callback, user_data);
  /* The verdict is the answer even when cancellation races it. */
  tend_result_set_check_cancellable (result, FALSE);
  data = g_new0 (AsyncRun, 1);
  data->run = run;
  tend_result_set_data (result, data, g_free);
  run->user_data = result;
  if (cancellable != NULL)
    data->handler = g_cancellable_connect (cancellable, G_CALLBACK (async_cancelled), data,
                                           NULL);
  return TRUE;
}
