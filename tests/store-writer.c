/* store-writer.c — writes results into a TendStore as fast as it can, and says what
 * is committed. test-store-crash kills it with SIGKILL in the middle.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: store-writer PATH FIRST-SEQUENCE
 * Prints "committed N" each time every result up to sequence N is committed.
 */
#include <stdio.h>

#include "tend.h"

#define PER_BATCH 500

typedef struct
{
  TendStore *store;
  gint64 next;
} Writer;

static void write_more (Writer *writer);

static void
flushed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Writer *writer = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_store_flush_finish (TEND_STORE (object), result, &error))
    {
      g_printerr ("store-writer: %s\n", error->message);
      exit (1);
    }
  printf ("committed %" G_GINT64_FORMAT "\n", writer->next - 1);
  fflush (stdout);
  write_more (writer);
}

static void
write_more (Writer *writer)
{
  for (int i = 0; i < PER_BATCH; i++, writer->next++)
    {
      g_autofree char *message = g_strdup_printf ("result %" G_GINT64_FORMAT, writer->next);
      /* Each its own check and a failure: every result is a raw row. */
      TendCheckResult result = { 1, writer->next, g_get_real_time (), TEND_RESULT_FAIL,
                                 1000, message };

      tend_store_add_result (writer->store, &result);
    }
  tend_store_flush_async (writer->store, NULL, flushed_cb, writer);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tend_store_open_finish (TEND_STORE (object), result, &error))
    {
      g_printerr ("store-writer: %s\n", error->message);
      exit (1);
    }
  write_more (user_data);
}

int
main (int   argc,
      char *argv[])
{
  Writer writer;

  if (argc != 3)
    {
      g_printerr ("usage: store-writer PATH FIRST-SEQUENCE\n");
      return 2;
    }

  writer.store = tend_store_new (argv[1]);
  writer.next = g_ascii_strtoll (argv[2], NULL, 10);
  tend_store_open_async (writer.store, NULL, opened_cb, &writer);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
}
