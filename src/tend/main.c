/* main.c — the Tend application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "tend-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TendApplication) app = NULL;
  /* $TEND_LOCALEDIR: the translations of an uninstalled build (the tests use it) */
  const char *locale_dir = g_getenv ("TEND_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir != NULL && *locale_dir != '\0' ? locale_dir
                                                                             : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Tend"));

  app = tend_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
