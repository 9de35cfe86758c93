/* tend-recovery-status.h — what Tend will do next about a service in trouble
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tend-types.h"

G_BEGIN_DECLS

/**
 * TendRecoveryState:
 * @TEND_RECOVERY_STATE_IDLE: nothing to do: healthy, or Tend leaves it so on purpose
 *   (the reason says why: policy never, a unit stopped cleanly)
 * @TEND_RECOVERY_STATE_RECOVERING: a recovery runs
 * @TEND_RECOVERY_STATE_SCHEDULED: the next attempt is due at a stated time (cooldown,
 *   backoff, the window's limit)
 * @TEND_RECOVERY_STATE_WAITING: held for a stated reason: silenced or in maintenance
 *   until a time, a dependency down, the circuit breaker open until a time
 * @TEND_RECOVERY_STATE_MANUAL: a restart loop: it waits for a person
 *
 * A service in trouble is always in exactly one of these.
 */
typedef enum
{
  TEND_RECOVERY_STATE_IDLE,
  TEND_RECOVERY_STATE_RECOVERING,
  TEND_RECOVERY_STATE_SCHEDULED,
  TEND_RECOVERY_STATE_WAITING,
  TEND_RECOVERY_STATE_MANUAL,
} TendRecoveryState;

const char *tend_recovery_state_to_string   (TendRecoveryState  state);
gboolean    tend_recovery_state_from_string (const char        *text,
                                             TendRecoveryState *state);

/**
 * TendRecoveryStatus:
 * @state: which of the five
 * @cause: (nullable): for programs: the policy's cause ("cooldown", "breaker-open", …) or
 *   the supervisor's ("silenced", "maintenance", "dependency")
 * @reason: (nullable): for people, without a countdown: "cooldown after the last
 *   recovery", "waits for db.service, which it depends on"
 * @since_usec: realtime µs since when the state holds
 * @until_usec: realtime µs of the next attempt, or of the end of the wait; 0 for none
 */
struct _TendRecoveryStatus
{
  TendRecoveryState state;
  char *cause;
  char *reason;
  gint64 since_usec;
  gint64 until_usec;
};

#define TEND_TYPE_RECOVERY_STATUS (tend_recovery_status_get_type ())
GType               tend_recovery_status_get_type  (void) G_GNUC_CONST;
TendRecoveryStatus *tend_recovery_status_new       (TendRecoveryState          state,
                                                    const char                *cause,
                                                    const char                *reason,
                                                    gint64                     since_usec,
                                                    gint64                     until_usec);
TendRecoveryStatus *tend_recovery_status_copy      (const TendRecoveryStatus  *status);
void                tend_recovery_status_free      (TendRecoveryStatus        *status);
gboolean            tend_recovery_status_same      (const TendRecoveryStatus  *a,
                                                    const TendRecoveryStatus  *b);
char               *tend_recovery_status_to_json   (const TendRecoveryStatus  *status);
TendRecoveryStatus *tend_recovery_status_new_from_json (const char            *json,
                                                        GError               **error);
char               *tend_recovery_status_describe  (const TendRecoveryStatus  *status,
                                                    gint64                     now_usec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendRecoveryStatus, tend_recovery_status_free)

G_END_DECLS
