/* tend-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tend-error.h"

G_DEFINE_QUARK (tend-error-quark, tend_error)
