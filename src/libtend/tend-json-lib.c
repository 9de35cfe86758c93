/* tend-json-lib.c — json-glib, loaded when JSON is first read or written
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See tend-lazy-lib.h for why.
 */
#define TEND_JSON_LIB_NO_REDIRECT

#include "config.h"

#include "tend-json-lib.h"
#include "tend-lazy-lib.h"

TEND_LAZY_LIB_DEFINE (TendJsonLib, tend_json_lib, TEND_LIBJSON_GLIB_SONAME,
                      TEND_JSON_LIB_FUNCTIONS)

/* json-glib's headers define g_autoptr()'s cleanups of its boxed types as inline functions
 * that call these by name, past the redirection of tend-json-lib.h: defined here, they
 * forward to the library, so that a g_autoptr(JsonNode) does not link it at start-up. */
void
json_node_unref (JsonNode *node)
{
  tend_json_lib ()->json_node_unref (node);
}

void
json_object_unref (JsonObject *object)
{
  tend_json_lib ()->json_object_unref (object);
}

void
json_array_unref (JsonArray *array)
{
  tend_json_lib ()->json_array_unref (array);
}
