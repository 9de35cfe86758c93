/* history-seeder.c — gives a watched service an hour of check results in a TendStore,
 * so that the end-to-end tests' screenshot of the service page shows a chart with
 * something in it (a latency line that moves, and a short outage).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: history-seeder DATABASE HOST UNIT MINUTES
 * The service and its check come from the database's inventory (tendctl import): the
 * results go to the service's first check, six a minute, ending now. From 25 to 22
 * minutes ago the check fails. Prints "seeded N" and exits 0.
 */
#include <math.h>
#include <stdio.h>

#include "tend.h"

typedef struct
{
  TendStore *store;
  const char *host;
  const char *unit;
  int minutes;
  gint64 service_id;
  int status;       /* exit status once done, -1 before */
} Seeder;

static void
fail_with (Seeder     *seeder,
           const char *message)
{
  g_printerr ("history-seeder: %s\n", message);
  seeder->status = 1;
}

static void
fail (Seeder       *seeder,
      const GError *error)
{
  fail_with (seeder, error->message);
}

static void
flushed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Seeder *seeder = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_store_flush_finish (TEND_STORE (object), result, &error))
    return fail (seeder, error);
  seeder->status = 0;
}

static void
seed (Seeder *seeder,
      gint64  check_id)
{
  gint64 now = g_get_real_time ();
  int n = seeder->minutes * 6;

  for (int i = n; i > 0; i--)
    {
      gint64 t = now - (gint64) i * 10 * G_USEC_PER_SEC;
      double minutes_ago = i / 6.0;
      gboolean down = minutes_ago <= 25 && minutes_ago > 22;
      /* 2–8 ms, as python3's http.server answers here: a slow wave, a little noise */
      gint64 latency = (gint64) (1000 * (5 + 2.5 * sin (i / 40.0) + 0.6 * sin (i * 1.7)));
      TendCheckResult r = { seeder->service_id, check_id, t,
                            down ? TEND_RESULT_FAIL : TEND_RESULT_PASS,
                            down ? -1 : latency,
                            down ? "connection refused" : NULL };

      tend_store_add_result (seeder->store, &r);
    }
  printf ("seeded %d\n", n);
  tend_store_flush_async (seeder->store, NULL, flushed_cb, seeder);
}

static void
checks_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Seeder *seeder = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = tend_store_load_checks_finish (TEND_STORE (object), result,
                                                               &error);
  g_autofree char *message = NULL;

  if (checks == NULL)
    return fail (seeder, error);
  for (guint i = 0; i < checks->len; i++)
    {
      TendStoredCheck *check = g_ptr_array_index (checks, i);

      if (check->service_id == seeder->service_id)
        return seed (seeder, check->check_id);
    }
  message = g_strdup_printf ("%s on %s has no check in the inventory", seeder->unit,
                             seeder->host);
  fail_with (seeder, message);
}

static void
service_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Seeder *seeder = user_data;
  g_autoptr(GError) error = NULL;

  seeder->service_id = tend_store_lookup_service_finish (TEND_STORE (object), result, &error);
  if (seeder->service_id <= 0)
    {
      g_autofree char *message = NULL;

      if (error != NULL)
        return fail (seeder, error);
      message = g_strdup_printf ("%s on %s is not in the inventory", seeder->unit,
                                 seeder->host);
      fail_with (seeder, message);
      return;
    }
  tend_store_load_checks_async (seeder->store, NULL, checks_cb, seeder);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Seeder *seeder = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_store_open_finish (TEND_STORE (object), result, &error))
    return fail (seeder, error);
  tend_store_lookup_service_async (seeder->store, seeder->host, seeder->unit, NULL,
                                   service_cb, seeder);
}

int
main (int   argc,
      char *argv[])
{
  Seeder seeder = { 0 };

  if (argc != 5)
    {
      g_printerr ("usage: history-seeder DATABASE HOST UNIT MINUTES\n");
      return 2;
    }
  seeder.store = tend_store_new (argv[1]);
  seeder.host = argv[2];
  seeder.unit = argv[3];
  seeder.minutes = atoi (argv[4]);
  seeder.status = -1;
  tend_store_open_async (seeder.store, NULL, opened_cb, &seeder);
  while (seeder.status < 0)
    g_main_context_iteration (NULL, TRUE);
  tend_store_close (seeder.store);
  g_object_unref (seeder.store);
  return seeder.status;
}
