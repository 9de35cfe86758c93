/* tend-application.h — the application: one instance, the engine, the hosts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

/**
 * TendEngineState:
 * @TEND_ENGINE_STATE_STARTING: the monitor engine is being started in this process
 * @TEND_ENGINE_STATE_RUNNING: it runs in this process
 * @TEND_ENGINE_STATE_ELSEWHERE: another Tend process (`tendctl monitor`, another
 *   session's window) holds the data directory's lock and runs it; the window shows
 *   its live state from the store
 * @TEND_ENGINE_STATE_FAILED: it could not be started (see the `engine-message`)
 *
 * Where the checks run, as the window tells it.
 */
typedef enum
{
  TEND_ENGINE_STATE_STARTING,
  TEND_ENGINE_STATE_RUNNING,
  TEND_ENGINE_STATE_ELSEWHERE,
  TEND_ENGINE_STATE_FAILED,
} TendEngineState;

#define TEND_TYPE_ENGINE_STATE (tend_engine_state_get_type ())
GType tend_engine_state_get_type (void) G_GNUC_CONST;

#define TEND_TYPE_APPLICATION (tend_application_get_type ())
G_DECLARE_FINAL_TYPE (TendApplication, tend_application, TEND, APPLICATION, AdwApplication)

TendApplication *tend_application_new              (void);
GListModel      *tend_application_get_hosts        (TendApplication *self);
void             tend_application_reload_hosts     (TendApplication *self);
const TendInventoryHost *
                 tend_application_get_host_spec    (TendApplication *self,
                                                    const char      *id);
TendHost        *tend_application_lookup_host      (TendApplication *self,
                                                    const char      *id);
TendStore       *tend_application_get_store        (TendApplication *self);
TendOverview    *tend_application_get_overview     (TendApplication *self);
TendEngine      *tend_application_get_engine       (TendApplication *self);
TendEngineState  tend_application_get_engine_state (TendApplication *self);
GPid             tend_application_get_engine_owner (TendApplication *self);
const char      *tend_application_get_engine_message (TendApplication *self);
gboolean         tend_application_get_demo         (TendApplication *self);
GSettings       *tend_application_get_settings     (TendApplication *self);

GSettings       *tend_settings_new_if_installed    (void);

G_END_DECLS
