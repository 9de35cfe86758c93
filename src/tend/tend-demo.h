/* tend-demo.h — the demo services a newcomer sees (tend --demo, or no user session)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-application.h"

G_BEGIN_DECLS

void tend_application_start_demo (TendApplication *self);

G_END_DECLS
