/* tend-health.h — the health of a service: one state per check, an overall verdict
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-duration.h"
#include "tend-types.h"

G_BEGIN_DECLS

/* The defaults, those of the configuration's checks.* keys out of the box. */
#define TEND_CHECK_STATE_DEFAULT_FAILURES_BEFORE_HARD       3
#define TEND_CHECK_STATE_DEFAULT_SUCCESSES_BEFORE_RECOVERED 2
#define TEND_CHECK_STATE_DEFAULT_STARTUP_GRACE              (10 * TEND_USEC_PER_SEC)
#define TEND_CHECK_STATE_DEFAULT_FLAP_START_PERCENT         30.0
#define TEND_CHECK_STATE_DEFAULT_FLAP_END_PERCENT           25.0

/* Flap detection looks at this many of the latest results, so at one change fewer. */
#define TEND_CHECK_STATE_FLAP_WINDOW 20

/**
 * TendCheckState:
 *
 * What the results of one check add up to: one layer of a service's health. Pure
 * logic: it is fed verdicts with the time they arrived, keeps no timer and does no I/O.
 *
 * - The soft status is the latest result's. The hard status is the one the layer
 *   shows and the overall health counts: a result that is not a pass (warn, fail or
 *   unknown) changes it only as the failures-before-hard-th in a row; once the hard
 *   status is not a pass, it follows every counted result that is not a pass either,
 *   and turns back to pass only after successes-before-recovered passes in a row.
 *   Until the first hard status the layer is pending: its hard status reads unknown and
 *   its first pass is a hard pass at once.
 * - Results that are not a pass and arrive within the start-up grace after the service
 *   started (tend_check_state_set_started()) are recorded (soft status, message, flap
 *   history) but do not count toward hard and do not change the hard status; they do
 *   break a run of passes.
 * - Flapping: over the latest %TEND_CHECK_STATE_FLAP_WINDOW results (every one, grace
 *   or not), each change of status between one result and the next weighs
 *   0.8 + 0.4 × i / 18, i = 0 for the oldest of the 19 possible changes to 18 for the
 *   newest; the flap percent is 100 × (the weights of the changes that happened) / 19,
 *   so a status that changes every time scores 100 and one that never changes 0.
 *   Missing older results (fewer than 20 so far) count as no change. Flapping starts
 *   when the percent is above the start threshold and ends when it is below the end
 *   threshold.
 *
 * Times are µs on whatever clock the caller uses, monotonic or realtime, but one clock
 * throughout; -1 stands for "not known" or "never".
 */
#define TEND_TYPE_CHECK_STATE (tend_check_state_get_type ())
G_DECLARE_FINAL_TYPE (TendCheckState, tend_check_state, TEND, CHECK_STATE, GObject)

TendCheckState *tend_check_state_new           (const char     *name);
TendCheckState *tend_check_state_new_for_check (TendCheck      *check);
const char     *tend_check_state_get_name      (TendCheckState *self);

void   tend_check_state_set_thresholds                 (TendCheckState *self,
                                                        guint           failures_before_hard,
                                                        guint           successes_before_recovered);
guint  tend_check_state_get_failures_before_hard       (TendCheckState *self);
guint  tend_check_state_get_successes_before_recovered (TendCheckState *self);
void   tend_check_state_set_startup_grace              (TendCheckState *self,
                                                        gint64          grace_usec);
gint64 tend_check_state_get_startup_grace              (TendCheckState *self);
void   tend_check_state_set_flap_thresholds            (TendCheckState *self,
                                                        double          start_percent,
                                                        double          end_percent);
void   tend_check_state_set_started                    (TendCheckState *self,
                                                        gint64          started_usec);
gint64 tend_check_state_get_started                    (TendCheckState *self);

gboolean tend_check_state_add (TendCheckState         *self,
                               const TendCheckVerdict *verdict,
                               gint64                  now_usec);

TendResultStatus        tend_check_state_get_status                (TendCheckState *self);
TendResultStatus        tend_check_state_get_soft_status           (TendCheckState *self);
gboolean                tend_check_state_is_hard                   (TendCheckState *self);
gboolean                tend_check_state_is_pending                (TendCheckState *self);
gboolean                tend_check_state_is_flapping               (TendCheckState *self);
double                  tend_check_state_get_flap_percent          (TendCheckState *self);
guint                   tend_check_state_get_consecutive_failures  (TendCheckState *self);
guint                   tend_check_state_get_consecutive_successes (TendCheckState *self);
guint                   tend_check_state_get_n_results             (TendCheckState *self);
gint64                  tend_check_state_get_since                 (TendCheckState *self);
gint64                  tend_check_state_get_soft_since            (TendCheckState *self);
const TendCheckVerdict *tend_check_state_get_last_verdict          (TendCheckState *self);
const char             *tend_check_state_get_message               (TendCheckState *self);

/**
 * TendHealth:
 *
 * The health of one service: its checks' states as layers, one per check name, and
 * the overall status they add up to. The overall status follows its layers however
 * they are fed, through tend_health_add() or tend_check_state_add() on a layer.
 */
#define TEND_TYPE_HEALTH (tend_health_get_type ())
G_DECLARE_FINAL_TYPE (TendHealth, tend_health, TEND, HEALTH, GObject)

TendHealth       *tend_health_new          (void);

void              tend_health_add_layer    (TendHealth             *self,
                                            TendCheckState         *layer);
gboolean          tend_health_remove_layer (TendHealth             *self,
                                            const char             *name);
TendCheckState   *tend_health_get_layer    (TendHealth             *self,
                                            const char             *name);
GListModel       *tend_health_get_layers   (TendHealth             *self);

void              tend_health_set_started  (TendHealth             *self,
                                            gint64                  started_usec);
gboolean          tend_health_add          (TendHealth             *self,
                                            const char             *name,
                                            const TendCheckVerdict *verdict,
                                            gint64                  now_usec);

TendHealthStatus  tend_health_get_status   (TendHealth             *self);

char             *tend_health_recommend    (const TendCheckVerdict *verdict,
                                            const char             *check_kind,
                                            const char             *target,
                                            const char             *unit,
                                            gint64                  timeout_usec);

G_END_DECLS
