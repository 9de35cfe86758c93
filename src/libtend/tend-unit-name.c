/* tend-unit-name.c — systemd unit names: validation and D-Bus object paths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The grammar is systemd's (see systemd.unit(5) and unit_name_is_valid() in
 * systemd's src/basic/unit-name.c):
 *
 *   name     = prefix [ "@" [ instance ] ] "." type
 *   prefix   = 1*( ALPHA / DIGIT / ":" / "-" / "_" / "." / "\" )
 *   instance = 1*( ALPHA / DIGIT / ":" / "-" / "_" / "." / "\" / "@" )
 *   type     = "service" / "socket" / "device" / "mount" / "automount" / "swap"
 *            / "target" / "path" / "timer" / "slice" / "scope"
 *
 * at most 255 bytes in all.  "foo@.service" is a template, "foo@bar.service" an
 * instance of it.  The type is what follows the last ".", the prefix is what precedes
 * the first "@".  An instance may itself contain "@" (systemd accepts
 * "foo@a@b.service", whose instance is "a@b").
 *
 * One rule is Tend's own: a name may not start with "-", so that no unit name can be
 * taken for an option when it ends up on a command line.  systemd's root slice and
 * root mount ("-.slice", "-.mount") are therefore refused by tend_unit_name_validate();
 * tend_unit_name_from_object_path() follows systemd alone and does decode them.
 */

#define G_LOG_DOMAIN "Tend"

#include "tend-unit-name.h"

#include <string.h>

#include "tend-error.h"
#include "tend-util-private.h"

#define OBJECT_PATH_PREFIX "/org/freedesktop/systemd1/unit/"

static const char * const unit_types[] = {
  "service",
  "socket",
  "device",
  "mount",
  "automount",
  "swap",
  "target",
  "path",
  "timer",
  "slice",
  "scope",
};

static const char *
lookup_unit_type (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (unit_types); i++)
    {
      if (strcmp (type, unit_types[i]) == 0)
        return unit_types[i];
    }

  return NULL;
}

static gboolean
is_unit_name_char (char c)
{
  return g_ascii_isalnum (c) || c == ':' || c == '-' || c == '_' || c == '.' || c == '\\' ||
         c == '@';
}

static char *
list_unit_types (void)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (unit_types); i++)
    {
      if (i > 0)
        g_string_append (out, i + 1 == G_N_ELEMENTS (unit_types) ? " or " : ", ");
      g_string_append_printf (out, ".%s", unit_types[i]);
    }

  return g_string_free (out, FALSE);
}

/* systemd's grammar, optionally with Tend's "no leading dash" rule. On success,
 * *out_type is the type (a static string) and *out_is_template says whether this is
 * a template.
 */
static gboolean
validate_unit_name (const char  *name,
                    gboolean     allow_leading_dash,
                    const char **out_type,
                    gboolean    *out_is_template,
                    GError     **error)
{
  gsize len;
  const char *dot;
  const char *at;
  const char *type;

  g_assert (name != NULL);

  len = strlen (name);

  if (len == 0)
    return tend_set_invalid_input (error, name, "a valid unit name", "it is empty");

  if (!g_utf8_validate (name, len, NULL))
    return tend_set_invalid_input (error, name, "a valid unit name", "it is not valid UTF-8");

  if (len > TEND_UNIT_NAME_MAX)
    return tend_set_invalid_input (error, name, "a valid unit name",
                                   "it is %" G_GSIZE_FORMAT " bytes long; unit names are at "
                                   "most %d bytes", len, TEND_UNIT_NAME_MAX);

  if (name[0] == '-' && !allow_leading_dash)
    return tend_set_invalid_input (error, name, "a valid unit name",
                                   "it starts with \"-\", which Tend does not accept because "
                                   "the name could be taken for a command-line option");

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!is_unit_name_char (*p))
        {
          g_autofree char *quoted = tend_quote_for_message (p, g_utf8_next_char (p) - p);

          return tend_set_invalid_input (error, name, "a valid unit name",
                                         "it contains %s%s, which unit names may not contain "
                                         "(they are made of ASCII letters, digits and \":\", "
                                         "\"-\", \"_\", \".\", \"\\\" and \"@\")",
                                         quoted, *p == ' ' ? " (a space)" : "");
        }
    }

  dot = strrchr (name, '.');
  if (dot == NULL || dot[1] == '\0')
    return tend_set_invalid_input (error, name, "a valid unit name",
                                   "it has no type suffix (such as .service or .timer)");

  type = lookup_unit_type (dot + 1);
  if (type == NULL)
    {
      g_autofree char *types = list_unit_types ();
      g_autofree char *quoted = tend_quote_for_message (dot, -1);

      return tend_set_invalid_input (error, name, "a valid unit name",
                                     "it ends in %s, which is not a unit type; unit names end "
                                     "in %s", quoted, types);
    }

  if (dot == name)
    return tend_set_invalid_input (error, name, "a valid unit name",
                                   "it has nothing before the type suffix \"%s\"", dot);

  at = memchr (name, '@', dot - name);
  if (at == name)
    return tend_set_invalid_input (error, name, "a valid unit name",
                                   "it starts with \"@\"; a template or instance needs a "
                                   "name before the \"@\", as in \"getty@.service\" or "
                                   "\"getty@tty1.service\"");

  if (out_type != NULL)
    *out_type = type;
  if (out_is_template != NULL)
    *out_is_template = at != NULL && at + 1 == dot;

  return TRUE;
}

/**
 * tend_unit_name_validate:
 * @name: a unit name such as "nginx.service"
 * @error: return location for a #GError
 *
 * Checks @name against systemd's unit-name grammar (see the top of this file): plain
 * names ("foo.service"), templates ("foo@.service") and instances ("foo@bar.service")
 * are valid.  Names starting with "-" are refused as well.
 *
 * Returns: %TRUE if @name is valid; otherwise %FALSE with @error set to
 *   %TEND_ERROR_INVALID_ARGUMENT and a message that quotes @name and says what is wrong.
 */
gboolean
tend_unit_name_validate (const char  *name,
                         GError     **error)
{
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return validate_unit_name (name, FALSE, NULL, NULL, error);
}

/**
 * tend_unit_name_is_template:
 * @name: a unit name
 *
 * Returns: %TRUE if @name is a valid template name such as "getty@.service";
 *   %FALSE for plain names, instances and invalid names.
 */
gboolean
tend_unit_name_is_template (const char *name)
{
  gboolean is_template = FALSE;

  g_return_val_if_fail (name != NULL, FALSE);

  if (!validate_unit_name (name, FALSE, NULL, &is_template, NULL))
    return FALSE;

  return is_template;
}

/**
 * tend_unit_name_get_type_suffix:
 * @name: a unit name
 *
 * Returns: (nullable): the unit type of @name without the dot ("service", "timer" ...),
 *   a static string, or %NULL if @name is not a valid unit name.
 */
const char *
tend_unit_name_get_type_suffix (const char *name)
{
  const char *type = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (!validate_unit_name (name, FALSE, &type, NULL, NULL))
    return NULL;

  return type;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/**
 * tend_unit_name_from_object_path:
 * @path: a D-Bus object path of systemd's, such as
 *   "/org/freedesktop/systemd1/unit/foo_2dbar_2eservice"
 *
 * Decodes the unit name from the object path systemd gives a unit: every byte
 * other than an ASCII letter (or a digit not in first place) is written as "_" and two
 * hex digits.
 *
 * The result follows systemd's grammar only, so the root slice and root mount
 * ("-.slice", "-.mount") are decoded although tend_unit_name_validate() refuses them.
 *
 * Returns: (transfer full) (nullable): the unit name, or %NULL if @path is not a unit's
 *   path below /org/freedesktop/systemd1/unit/, is malformed (a character D-Bus does not
 *   allow, an incomplete escape) or does not decode to a valid unit name (such as the
 *   alias ".../unit/self").
 */
char *
tend_unit_name_from_object_path (const char *path)
{
  g_autoptr(GString) name = NULL;
  const char *label;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_str_has_prefix (path, OBJECT_PATH_PREFIX))
    return NULL;

  label = path + strlen (OBJECT_PATH_PREFIX);
  if (*label == '\0')
    return NULL;

  name = g_string_sized_new (strlen (label));

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          int high;
          int low;

          /* strict: an escape is always "_" and two hex digits */
          if ((high = hex_value (p[1])) < 0 || (low = hex_value (p[2])) < 0)
            return NULL;
          if (high == 0 && low == 0)
            return NULL;

          g_string_append_c (name, (char) ((high << 4) | low));
          p += 2;
        }
      else if (g_ascii_isalnum (*p))
        {
          g_string_append_c (name, *p);
        }
      else
        {
          return NULL;
        }
    }

  if (!validate_unit_name (name->str, TRUE, NULL, NULL, NULL))
    return NULL;

  return g_string_free (g_steal_pointer (&name), FALSE);
}

/**
 * tend_unit_name_to_object_path:
 * @name: a unit name
 *
 * Builds the object path systemd gives the unit @name, the inverse of
 * tend_unit_name_from_object_path().  @name is escaped as it is; it is not validated.
 *
 * Returns: (transfer full): the object path, such as
 *   "/org/freedesktop/systemd1/unit/foo_2dbar_2eservice"
 */
char *
tend_unit_name_to_object_path (const char *name)
{
  GString *path;

  g_return_val_if_fail (name != NULL, NULL);

  path = g_string_new (OBJECT_PATH_PREFIX);

  /* systemd writes the empty string as "_" */
  if (*name == '\0')
    g_string_append_c (path, '_');

  for (const char *p = name; *p != '\0'; p++)
    {
      if (g_ascii_isalpha (*p) || (p != name && g_ascii_isdigit (*p)))
        g_string_append_c (path, *p);
      else
        g_string_append_printf (path, "_%02x", (guchar) *p);
    }

  return g_string_free (path, FALSE);
}
