/* tend-soup-lib.c — libsoup, loaded when the first HTTP check or webhook is made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See tend-lazy-lib.h for why.
 */
#define TEND_SOUP_LIB_NO_REDIRECT

#include "config.h"

#include "tend-lazy-lib.h"
#include "tend-soup-lib.h"

TEND_LAZY_LIB_DEFINE (TendSoupLib, tend_soup_lib, TEND_LIBSOUP_SONAME,
                      TEND_SOUP_LIB_FUNCTIONS)
