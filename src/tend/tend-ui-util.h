/* tend-ui-util.h — the window's words and icons for health and check results, and small
 * helpers its widgets share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Never colour alone: each status has an icon, a word a person reads, and a style class
 * (success, warning, error) that only adds colour to them.
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

const char *tend_health_status_get_word       (TendHealthStatus  status);
const char *tend_health_status_get_icon_name  (TendHealthStatus  status);
const char *tend_health_status_get_css_class  (TendHealthStatus  status);

/* A host's connection state: a word ("Online", "Key not trusted"), an icon and a style
 * class, for the sidebar and the host's state page */
const char *tend_host_state_get_word          (TendHostState     state);
const char *tend_host_state_get_icon_name     (TendHostState     state);
const char *tend_host_state_get_css_class     (TendHostState     state);

/* The alert for a host whose key is not the one known_hosts has: libtend's @message (both
 * fingerprints, what to check, the ssh-keygen -R to run); no way to connect anyway.
 * Returns the dialog, shown. */
GtkWidget  *tend_show_host_key_changed        (GtkWindow        *parent,
                                               const char       *message);
/* What `ssh-keygen -R` takes for @address:@port ("web1", "[10.0.0.5]:2222") */
char       *tend_known_hosts_name             (const char       *address,
                                               int               port);

/* A check's result by its nick ("pass", "warn", "fail", "unknown") */
const char *tend_result_nick_get_word         (const char       *nick);
const char *tend_result_nick_get_icon_name    (const char       *nick);
const char *tend_result_nick_get_css_class    (const char       *nick);

/* "14:02:10" today, "3 Dec 14:02" before */
char       *tend_format_local_time            (gint64            realtime_usec);

/* Sets @css_class (success, warning, error, dim-label) on @widget, and no other of them */
void        tend_widget_set_status_class      (GtkWidget        *widget,
                                               const char       *css_class);

/* A boxed list in a preferences group: emptied, or shown when it has rows, the group
 * saying @description (nullable) */
void        tend_list_box_remove_all          (GtkListBox       *list);
void        tend_list_box_show_in_group       (GtkListBox          *list,
                                               AdwPreferencesGroup *group,
                                               const char          *description);

/* A control that may be insensitive for a reason a person should know (a host's access
 * level): its tooltip and its accessible description say @reason when there is one, else
 * the tooltip is @tooltip (nullable) */
void        tend_widget_explain_insensitive   (GtkWidget        *widget,
                                               const char       *tooltip,
                                               const char       *reason);

/* Whether @error is the cancellation of a widget's queries: the widget may be gone */
gboolean    tend_error_is_cancelled           (const GError     *error);

G_END_DECLS
