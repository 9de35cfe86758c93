/* test-inventory.h — what the inventory's tests share: fixtures, JSON in C strings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fixtures in tests/inventory/:
 *   full.json            every kind of item and check, in the exact form export writes
 *   changed.json         full.json with one change of each sort, also in export form
 *   minimal.json         what a person writes: unordered, defaults left out
 *   minimal-export.json  what export makes of minimal.json, defaults written out
 */
#pragma once

#include <string.h>

#include "tend-error.h"
#include "tend-inventory.h"

#define SEC  G_GINT64_CONSTANT (1000000)
#define MSEC G_GINT64_CONSTANT (1000)

/* Fixtures */

G_GNUC_UNUSED static char *
read_fixture (const char *name,
              gsize      *length)
{
  const char *srcdir = g_getenv ("TEND_TEST_SRCDIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  if (srcdir == NULL)
    g_error ("TEND_TEST_SRCDIR is not set; run the tests with meson test");

  path = g_build_filename (srcdir, "inventory", name, NULL);
  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);

  return contents;
}

G_GNUC_UNUSED static TendInventory *
load_fixture (const char *name)
{
  gsize length;
  g_autofree char *json = read_fixture (name, &length);
  g_autoptr(GError) error = NULL;
  TendInventory *inventory = tend_inventory_new_from_json (json, length, &error);

  g_assert_no_error (error);
  g_assert_nonnull (inventory);

  return inventory;
}

/* JSON in C strings: written with ' where JSON has " */
G_GNUC_UNUSED static char *
squote (const char *text)
{
  return g_strdelimit (g_strdup (text), "'", '"');
}

G_GNUC_UNUSED static TendInventory *
parse (const char  *text,
       GError     **error)
{
  return tend_inventory_new_from_json (text, strlen (text), error);
}

