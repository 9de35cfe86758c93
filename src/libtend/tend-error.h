/* tend-error.h — the TEND_ERROR domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_ERROR (tend_error_quark ())

/**
 * TendError:
 * @TEND_ERROR_FAILED: an operation failed for a reason not listed below
 * @TEND_ERROR_INVALID_ARGUMENT: bad input (a unit name, an option value); nothing was sent
 * @TEND_ERROR_NOT_FOUND: the unit (or unit file) does not exist on the host
 * @TEND_ERROR_PERMISSION_DENIED: the manager or polkit refused the operation
 * @TEND_ERROR_UNREACHABLE: the host's manager could not be reached (no bus, no connection)
 * @TEND_ERROR_JOB_FAILED: systemd ran the job and it ended in failure
 * @TEND_ERROR_TIMED_OUT: the job or the call did not finish in time
 * @TEND_ERROR_CANCELLED: the job was cancelled or superseded by another job
 * @TEND_ERROR_NOT_SUPPORTED: the unit cannot do this (no reload, not installable ...)
 * @TEND_ERROR_BUSY: another process holds what this one needs (a running monitor)
 * @TEND_ERROR_NOT_WATCHED: Tend does not watch the service (it is not in the inventory)
 * @TEND_ERROR_AUTH_FAILED: an SSH host refused every key Tend could offer
 * @TEND_ERROR_HOST_KEY_UNKNOWN: an SSH host's key is not in known_hosts (not confirmed)
 * @TEND_ERROR_HOST_KEY_CHANGED: an SSH host's key differs from the one in known_hosts
 * @TEND_ERROR_ACCESS_DENIED: the host's access level in Tend's inventory does not allow
 *   the operation (a viewer host, or stop/enable/disable on an operator host)
 *
 * Every message in this domain is meant to be shown to a person as it is:
 * it names the unit and the host, and says what to do where that is known.
 */
typedef enum
{
  TEND_ERROR_FAILED,
  TEND_ERROR_INVALID_ARGUMENT,
  TEND_ERROR_NOT_FOUND,
  TEND_ERROR_PERMISSION_DENIED,
  TEND_ERROR_UNREACHABLE,
  TEND_ERROR_JOB_FAILED,
  TEND_ERROR_TIMED_OUT,
  TEND_ERROR_CANCELLED,
  TEND_ERROR_NOT_SUPPORTED,
  TEND_ERROR_BUSY,
  TEND_ERROR_NOT_WATCHED,
  TEND_ERROR_AUTH_FAILED,
  TEND_ERROR_HOST_KEY_UNKNOWN,
  TEND_ERROR_HOST_KEY_CHANGED,
  TEND_ERROR_ACCESS_DENIED,
} TendError;

GQuark tend_error_quark (void);

G_END_DECLS
