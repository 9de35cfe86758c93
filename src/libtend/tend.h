/* tend.h — everything libtend offers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-backend.h"
#include "tend-check.h"
#include "tend-check-factory.h"
#include "tend-command-check.h"
#include "tend-config.h"
#include "tend-dbus-backend.h"
#include "tend-dbus-notifier.h"
#include "tend-duration.h"
#include "tend-engine.h"
#include "tend-error.h"
#include "tend-health.h"
#include "tend-host.h"
#include "tend-http-check.h"
#include "tend-inventory.h"
#include "tend-journal.h"
#include "tend-lock.h"
#include "tend-log-notifier.h"
#include "tend-monitor.h"
#include "tend-multi-notifier.h"
#include "tend-notifier.h"
#include "tend-redis-check.h"
#include "tend-resources-check.h"
#include "tend-unit-check.h"
#include "tend-service.h"
#include "tend-store.h"
#include "tend-tcp-check.h"
#include "tend-unit-list.h"
#include "tend-unit-name.h"
