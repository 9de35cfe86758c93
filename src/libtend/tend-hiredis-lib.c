/* tend-hiredis-lib.c — hiredis, loaded when the first Redis check runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See tend-lazy-lib.h for why.
 */
#define TEND_HIREDIS_LIB_NO_REDIRECT

#include "config.h"

#include "tend-hiredis-lib.h"
#include "tend-lazy-lib.h"

TEND_LAZY_LIB_DEFINE (TendHiredisLib, tend_hiredis_lib, TEND_LIBHIREDIS_SONAME,
                      TEND_HIREDIS_LIB_FUNCTIONS)
