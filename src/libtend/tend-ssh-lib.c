/* tend-ssh-lib.c — libssh, loaded when the first SSH host connects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See tend-lazy-lib.h for why.
 */
#define TEND_SSH_LIB_NO_REDIRECT

#include "config.h"

#include "tend-lazy-lib.h"
#include "tend-ssh-lib.h"

TEND_LAZY_LIB_DEFINE (TendSshLib, tend_ssh_lib, TEND_LIBSSH_SONAME,
                      TEND_SSH_LIB_FUNCTIONS)
