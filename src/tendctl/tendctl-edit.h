/* tendctl-edit.h — changing what the store keeps one item at a time (check, policy,
 * maintenance; watch, silence and resume through libtend)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tendctl.h"

G_BEGIN_DECLS

typedef struct _TendctlEdit TendctlEdit;

/**
 * TendctlEditFunc:
 * @edit: the edit under way
 * @inventory: the stored inventory as it is at this moment, to change in place
 * @config: the configuration of @inventory, for the defaults of new checks
 * @error: why the change is refused, or no longer applies; its code gives the exit status
 *
 * Makes one command's change. It runs on the store's thread, inside the transaction
 * that stores the change (tend_store_edit_inventory_async()): it reads and changes
 * @inventory and the command's own data, and nothing else. Whether anything changed is
 * found by comparing the inventory before and after, so an edit that finds its work
 * done already just returns %TRUE.
 *
 * Returns: %FALSE, with @error set, to refuse the change
 */
typedef gboolean (*TendctlEditFunc) (TendctlEdit    *edit,
                                     TendInventory  *inventory,
                                     TendConfig     *config,
                                     GError        **error);

/**
 * TendctlChangeFunc:
 *
 * The change of a command that libtend makes whole, audit row included (watch, unwatch,
 * silence, resume: tend_service_control_run_async()): it ends with tendctl_edit_done().
 * Its command has no #TendctlEditFunc.
 */
typedef void (*TendctlChangeFunc) (TendctlEdit   *edit);

/* One invocation of a command that changes the inventory: what the command fills in
 * before tendctl_edit_run(), and what the run provides. */
struct _TendctlEdit
{
  const char        *operation;   /* the audit log's name of it: "check-add" */
  const char        *host;        /* (nullable) the inventory host; NULL: the local one
                                   * of the scope, once tendctl_edit_run() has started */
  const char        *unit;        /* (nullable) */
  char              *parameters;  /* (owned) (nullable) JSON object for the audit log */
  const char        *refused;     /* said after a refusal: "nothing was added" */
  char              *unchanged;   /* (owned) (nullable) said when nothing changed */
  TendctlEditFunc    edit;
  TendctlChangeFunc  change;      /* (nullable) instead of @edit */
  gpointer           user_data;

  /* The run's */
  TendctlRun        *run;
  TendHostScope      scope;
  GError            *refusal;     /* (owned) (nullable) set before the run: record it */
  char              *local_host;  /* (owned) the name of this computer's host of @scope */
  gint64             started_real;
  gint64             started_monotonic;
};

/* A word of a message said otherwise ("--backoff-max" for "backoff_max"), or %NULL */
typedef char *(*TendctlRenameFunc) (const char    *word,
                                    gconstpointer  user_data);
/* Appends @line of a message as it is to be said */
typedef void  (*TendctlLineFunc)   (GString       *out,
                                    const char    *line,
                                    gconstpointer  user_data);

TendctlExit         tendctl_edit_run            (TendctlEdit           *edit,
                                                 TendctlGlobalOptions  *global,
                                                 TendctlRunFlags        flags);
void                tendctl_edit_done           (TendctlEdit           *edit,
                                                 const TendServiceControlOutcome *outcome,
                                                 GError                *error);
void                tendctl_print_changes       (TendInventoryDiff     *diff);
void                tendctl_edit_clear          (TendctlEdit           *edit);

TendInventoryHost  *tendctl_find_host          (TendInventory         *inventory,
                                                 const char            *name);
TendInventoryHost  *tendctl_edit_ensure_service (TendctlEdit           *edit,
                                                 TendInventory         *inventory,
                                                 GError               **error);
TendInventoryService *tendctl_require_service   (TendInventory         *inventory,
                                                 const char            *host,
                                                 const char            *unit,
                                                 GError               **error);
guint               tendctl_find_check          (TendInventory         *inventory,
                                                 const char            *host,
                                                 const char            *unit,
                                                 const char            *name);
gboolean            tendctl_find_service        (TendInventory         *inventory,
                                                 const char            *host,
                                                 const char            *unit,
                                                 guint                 *position);

void                tendctl_append_renamed      (GString               *out,
                                                 const char            *text,
                                                 TendctlRenameFunc      rename,
                                                 gconstpointer          user_data);
void                tendctl_rewrite_error_lines (GError                *error,
                                                 TendctlLineFunc        rewrite,
                                                 gconstpointer          user_data);

G_END_DECLS
