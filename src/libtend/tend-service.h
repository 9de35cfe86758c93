/* tend-service.h — one systemd unit as a GObject
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"
#include "tend-unit-list.h"

G_BEGIN_DECLS

/* A number systemd reports as "not set" (UINT64_MAX on the bus). */
#define TEND_UNSET G_MAXUINT64

/* Properties a backend may add to a systemd property dictionary when systemd itself
 * has no figure. Kept apart from systemd's names by the prefix. */
#define TEND_PROPERTY_MEMORY_RSS "X-Tend-MemoryRSS"  /* t: summed RSS of the unit's processes */
#define TEND_PROPERTY_JOB_TYPE   "X-Tend-JobType"    /* s: type of the queued job ("start"...) */

#define TEND_TYPE_SERVICE (tend_service_get_type ())
G_DECLARE_FINAL_TYPE (TendService, tend_service, TEND, SERVICE, GObject)

TendService      *tend_service_new                (const char       *name);
const char * const *tend_service_get_property_names (void);
void              tend_service_apply_properties   (TendService      *self,
                                                   GVariant         *properties);
void              tend_service_apply_unit_info    (TendService      *self,
                                                   const TendUnitInfo *info);

const char       *tend_service_get_name           (TendService      *self);
const char       *tend_service_get_description    (TendService      *self);
const char       *tend_service_get_load_state     (TendService      *self);
const char       *tend_service_get_active_state   (TendService      *self);
const char       *tend_service_get_sub_state      (TendService      *self);
const char       *tend_service_get_unit_file_state (TendService     *self);
guint             tend_service_get_main_pid       (TendService      *self);
guint64           tend_service_get_memory         (TendService      *self);
TendMemorySource  tend_service_get_memory_source  (TendService      *self);
guint64           tend_service_get_cpu_usage_nsec (TendService      *self);
guint64           tend_service_get_tasks          (TendService      *self);
gint64            tend_service_get_active_since   (TendService      *self);
guint             tend_service_get_n_restarts     (TendService      *self);
const char       *tend_service_get_fragment_path  (TendService      *self);
const char       *tend_service_get_control_group  (TendService      *self);
const char *const *tend_service_get_requires      (TendService      *self);
const char *const *tend_service_get_binds_to      (TendService      *self);
const char *const *tend_service_get_required_by   (TendService      *self);
const char *const *tend_service_get_wanted_by     (TendService      *self);
const char *const *tend_service_get_bound_by      (TendService      *self);
gboolean          tend_service_get_can_reload     (TendService      *self);
const char       *tend_service_get_job_type       (TendService      *self);
gboolean          tend_service_get_details_loaded (TendService      *self);

gboolean          tend_service_is_failed          (TendService      *self);
gboolean          tend_service_is_active          (TendService      *self);
gboolean          tend_service_is_unhealthy       (TendService      *self);
gboolean          tend_service_needs_attention    (TendService      *self);

/* What Tend knows of it beyond systemd: its host, and the monitor's word (see
 * tend_service_set_watch_info()). */
TendHost         *tend_service_dup_host           (TendService      *self);
void              tend_service_set_host           (TendService      *self,
                                                   TendHost         *host);
gboolean          tend_service_get_watched        (TendService      *self);
TendHealthStatus  tend_service_get_health         (TendService      *self);
const char       *tend_service_get_health_message (TendService      *self);
const TendRecoveryStatus *tend_service_get_recovery (TendService    *self);
void              tend_service_set_watch_info     (TendService      *self,
                                                   gboolean          watched,
                                                   TendHealthStatus  health,
                                                   const char       *health_message,
                                                   const TendRecoveryStatus *recovery);

G_END_DECLS
