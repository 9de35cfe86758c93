/* test-health.c — the health model: soft and hard states, grace, flapping, the overall
 * status and the recommendations, fed with explicit times
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include <string.h>

#include "tend-check.h"
#include "tend-health.h"

#define SEC TEND_USEC_PER_SEC

static TendResultStatus
status_of (char c)
{
  switch (c)
    {
    case 'P': return TEND_RESULT_PASS;
    case 'W': return TEND_RESULT_WARN;
    case 'F': return TEND_RESULT_FAIL;
    case 'U': return TEND_RESULT_UNKNOWN;
    default: g_assert_not_reached ();
    }
}

static TendCheckFailure
failure_of (TendResultStatus status)
{
  return status == TEND_RESULT_PASS ? TEND_CHECK_FAILURE_NONE : TEND_CHECK_FAILURE_OTHER;
}

static gboolean
feed (TendCheckState *state,
      char            c,
      gint64          now_usec)
{
  TendResultStatus status = status_of (c);
  g_autoptr(TendCheckVerdict) verdict =
    tend_check_verdict_new (status, failure_of (status), 1000, "%c at %" G_GINT64_FORMAT,
                            c, now_usec);

  return tend_check_state_add (state, verdict, now_usec);
}

/* ------------------------------------------------------------------------------------ */
/* Soft and hard, recovery, grace: sequences of results with what each one leaves.       */

typedef struct
{
  const char *name;
  guint failures_before_hard;
  guint successes_before_recovered;
  gint64 started;        /* s, -1 for not known */
  gint64 grace;          /* s */
  gint64 first;          /* s: the first result arrives then ... */
  gint64 step;           /* s: ... and each next one this much later */
  /* One character per result: */
  const char *results;   /* P W F U */
  const char *hard;      /* the hard status after it; '-' for pending (which reads unknown) */
  const char *type;      /* H: the latest result is the hard status, S: soft */
  const char *failures;  /* consecutive failures that count toward hard */
  const char *successes; /* consecutive passes */
  const char *changed;   /* 1: tend_check_state_add() said the visible state changed */
} Sequence;

static const Sequence sequences[] = {
  /* Soft, then hard at exactly N. */
  { "hard at exactly the 3rd failure", 3, 2, -1, 0, 10, 10,
    "PFFFF", "PPPFF", "HSSHH", "01234", "10000", "10010" },
  { "hard at once with 1 failure before hard", 1, 1, -1, 0, 10, 10,
    "PFP", "PFP", "HHH", "010", "101", "111" },
  { "hard at exactly the 5th failure", 5, 2, -1, 0, 10, 10,
    "PFFFFFF", "PPPPPFF", "HSSSSHH", "0123456", "1000000", "1000010" },
  { "the first pass is hard at once", 3, 2, -1, 0, 10, 10,
    "P", "P", "H", "0", "1", "1" },
  { "failures from the start: pending until the 3rd", 3, 2, -1, 0, 10, 10,
    "FFFPP", "--FFP", "SSHSH", "12300", "00012", "00101" },
  { "unknowns from the start: pending, then a hard unknown", 3, 2, -1, 0, 10, 10,
    "UUU", "--U", "SSH", "123", "000", "000" },
  { "a soft failure interrupted by a pass never turns hard", 3, 2, -1, 0, 10, 10,
    "PFFPFFP", "PPPPPPP", "HSSHSSH", "0120120", "1001001", "1000000" },
  { "unknown is not a pass", 3, 2, -1, 0, 10, 10,
    "PUUU", "PPPU", "HSSH", "0123", "1000", "1001" },
  { "warn and fail count together; the hard status follows the latest", 3, 2, -1, 0, 10, 10,
    "PWFWF", "PPPWF", "HSSHH", "01234", "10000", "10011" },
  { "warn only: a hard warn", 3, 2, -1, 0, 10, 10,
    "PWWWP", "PPPWW", "HSSHS", "01230", "10001", "10010" },

  /* Recovery only after M passes. */
  { "recovered at exactly the 2nd pass", 3, 2, -1, 0, 10, 10,
    "PFFFPPP", "PPPFFPP", "HSSHSHH", "0123000", "1000123", "1001010" },
  { "recovered at exactly the 3rd pass; a failure between starts over", 3, 3, -1, 0, 10, 10,
    "PFFFPPFPPP", "PPPFFFFFFP", "HSSHSSHSSH", "0123001000", "1000120123", "1001000001" },
  { "a recovery broken by a warn: the hard status is warn at once", 3, 2, -1, 0, 10, 10,
    "PFFFPW", "PPPFFW", "HSSHSH", "012301", "100010", "100101" },
  { "recovered at once with 1 success before recovered", 2, 1, -1, 0, 10, 10,
    "PFFP", "PPFP", "HSHH", "0120", "1001", "1011" },

  /* Start-up grace: the service started at 100 s, 10 s of grace. */
  { "failures within the grace do not count", 3, 2, 100, 10, 99, 3,
    /* 99 102 105 108 111 114 117 */
    "PFFFFFF", "PPPPPPF", "HSSSSSH", "0000123", "1000000", "1000001" },
  { "a failure within the grace breaks a run of passes", 3, 2, 100, 10, 92, 2,
    /* 92 94 96 98 100 102 104 */
    "FFFPFPP", "--FFFFP", "SSHSHSH", "1230000", "0001012", "0010001" },
  { "a warn within the grace does not change a hard fail", 3, 2, 100, 10, 85, 5,
    /* 85 90 95 100 105 110 */
    "FFFWWW", "--FFFW", "SSHSSH", "123334", "000000", "001001" },
  { "no start time: no grace", 3, 2, -1, 10, 100, 1,
    "PFFF", "PPPF", "HSSH", "0123", "1000", "1001" },
  { "no grace when it is 0", 3, 2, 100, 0, 100, 1,
    "PFFF", "PPPF", "HSSH", "0123", "1000", "1001" },
};

static void
test_sequences (void)
{
  for (guint s = 0; s < G_N_ELEMENTS (sequences); s++)
    {
      const Sequence *seq = &sequences[s];
      g_autoptr(TendCheckState) state = tend_check_state_new ("web");
      gsize n = strlen (seq->results);

      g_test_message ("sequence: %s", seq->name);
      g_assert_cmpuint (strlen (seq->hard), ==, n);
      g_assert_cmpuint (strlen (seq->type), ==, n);
      g_assert_cmpuint (strlen (seq->failures), ==, n);
      g_assert_cmpuint (strlen (seq->successes), ==, n);
      g_assert_cmpuint (strlen (seq->changed), ==, n);

      tend_check_state_set_thresholds (state, seq->failures_before_hard,
                                       seq->successes_before_recovered);
      tend_check_state_set_startup_grace (state, seq->grace * SEC);
      tend_check_state_set_started (state, seq->started < 0 ? -1 : seq->started * SEC);

      g_assert_true (tend_check_state_is_pending (state));
      g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_UNKNOWN);
      g_assert_false (tend_check_state_is_hard (state));

      for (gsize i = 0; i < n; i++)
        {
          gint64 now = (seq->first + (gint64) i * seq->step) * SEC;
          gboolean changed = feed (state, seq->results[i], now);

          g_test_message ("  result %" G_GSIZE_FORMAT ": %c at %" G_GINT64_FORMAT " s",
                          i + 1, seq->results[i], now / SEC);
          g_assert_cmpint (changed, ==, seq->changed[i] == '1');
          g_assert_cmpint (tend_check_state_get_soft_status (state), ==,
                           status_of (seq->results[i]));
          if (seq->hard[i] == '-')
            {
              g_assert_true (tend_check_state_is_pending (state));
              g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_UNKNOWN);
              g_assert_cmpint (tend_check_state_get_since (state), ==, -1);
            }
          else
            {
              g_assert_false (tend_check_state_is_pending (state));
              g_assert_cmpstr (tend_result_status_to_string (tend_check_state_get_status (state)),
                               ==,
                               tend_result_status_to_string (status_of (seq->hard[i])));
            }
          g_assert_cmpint (tend_check_state_is_hard (state), ==, seq->type[i] == 'H');
          g_assert_cmpuint (tend_check_state_get_consecutive_failures (state), ==,
                            (guint) (seq->failures[i] - '0'));
          g_assert_cmpuint (tend_check_state_get_consecutive_successes (state), ==,
                            (guint) (seq->successes[i] - '0'));
          g_assert_cmpuint (tend_check_state_get_n_results (state), ==, i + 1);
        }
    }
}

/* The boundary of the grace, to the µs. */
static void
test_grace_boundary (void)
{
  g_autoptr(TendCheckState) state = tend_check_state_new ("web");

  tend_check_state_set_thresholds (state, 1, 1);
  tend_check_state_set_startup_grace (state, 10 * SEC);
  tend_check_state_set_started (state, 100 * SEC);
  g_assert_cmpint (tend_check_state_get_started (state), ==, 100 * SEC);
  g_assert_cmpint (tend_check_state_get_startup_grace (state), ==, 10 * SEC);

  /* Before the start: counted (it belongs to the run before). */
  g_assert_true (feed (state, 'P', 90 * SEC));
  g_assert_true (feed (state, 'F', 100 * SEC - 1));
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_FAIL);
  g_assert_true (feed (state, 'P', 100 * SEC - 1));

  /* At the start and up to the last µs of the grace: not counted. */
  g_assert_false (feed (state, 'F', 100 * SEC));
  g_assert_false (feed (state, 'F', 110 * SEC - 1));
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_PASS);
  g_assert_cmpint (tend_check_state_get_soft_status (state), ==, TEND_RESULT_FAIL);
  g_assert_cmpuint (tend_check_state_get_consecutive_failures (state), ==, 0);

  /* From the end of the grace on: counted. */
  g_assert_true (feed (state, 'F', 110 * SEC));
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_FAIL);
  g_assert_cmpuint (tend_check_state_get_consecutive_failures (state), ==, 1);

  /* A new start opens a new grace. */
  g_assert_true (feed (state, 'P', 111 * SEC));
  tend_check_state_set_started (state, 200 * SEC);
  g_assert_false (feed (state, 'W', 205 * SEC));
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_PASS);
  g_assert_true (feed (state, 'W', 210 * SEC));
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_WARN);

  /* Forgotten start: no grace. */
  g_assert_true (feed (state, 'P', 211 * SEC));
  tend_check_state_set_started (state, -1);
  g_assert_true (feed (state, 'F', 212 * SEC));
}

/* Since when, the message, the last verdict. */
static void
test_since_and_message (void)
{
  g_autoptr(TendCheckState) state = tend_check_state_new ("web");
  g_autoptr(TendCheckVerdict) refused =
    tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED, -1,
                            "connection refused on 127.0.0.1:8080");
  const TendCheckVerdict *last;

  g_assert_cmpint (tend_check_state_get_since (state), ==, -1);
  g_assert_cmpint (tend_check_state_get_soft_since (state), ==, -1);
  g_assert_null (tend_check_state_get_last_verdict (state));
  g_assert_null (tend_check_state_get_message (state));

  feed (state, 'P', 10 * SEC);
  g_assert_cmpint (tend_check_state_get_since (state), ==, 10 * SEC);
  g_assert_cmpint (tend_check_state_get_soft_since (state), ==, 10 * SEC);
  g_assert_cmpstr (tend_check_state_get_message (state), ==, "P at 10000000");

  tend_check_state_add (state, refused, 20 * SEC);
  g_assert_cmpint (tend_check_state_get_since (state), ==, 10 * SEC);
  g_assert_cmpint (tend_check_state_get_soft_since (state), ==, 20 * SEC);
  g_assert_cmpstr (tend_check_state_get_message (state), ==,
                   "connection refused on 127.0.0.1:8080");
  last = tend_check_state_get_last_verdict (state);
  g_assert_nonnull (last);
  g_assert_true (last != refused);                      /* a copy */
  g_assert_cmpint (last->status, ==, TEND_RESULT_FAIL);
  g_assert_cmpint (last->failure, ==, TEND_CHECK_FAILURE_REFUSED);
  g_assert_cmpint (last->latency_usec, ==, -1);

  tend_check_state_add (state, refused, 30 * SEC);
  tend_check_state_add (state, refused, 40 * SEC);      /* hard now */
  g_assert_cmpint (tend_check_state_get_since (state), ==, 40 * SEC);
  g_assert_cmpint (tend_check_state_get_soft_since (state), ==, 20 * SEC);

  feed (state, 'W', 50 * SEC);                          /* a hard failure follows */
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_WARN);
  g_assert_cmpint (tend_check_state_get_since (state), ==, 50 * SEC);
  g_assert_cmpint (tend_check_state_get_soft_since (state), ==, 50 * SEC);

  feed (state, 'P', 60 * SEC);
  g_assert_cmpint (tend_check_state_get_since (state), ==, 50 * SEC);
  g_assert_cmpint (tend_check_state_get_soft_since (state), ==, 60 * SEC);
  feed (state, 'P', 70 * SEC);                          /* recovered */
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_PASS);
  g_assert_cmpint (tend_check_state_get_since (state), ==, 70 * SEC);
  g_assert_cmpint (tend_check_state_get_soft_since (state), ==, 60 * SEC);
}

/* ------------------------------------------------------------------------------------ */
/* Flapping                                                                              */

typedef struct
{
  const char *results;
  double percent;        /* after the last result, to 4 decimals */
  gboolean flapping;
} FlapCase;

/* Change i (0 the oldest of 19) weighs 0.8 + 0.4 i / 18; the percent is
 * 100 × (sum of the weights of the changes) / 19. Worked out by hand in the comments. */
static const FlapCase flap_cases[] = {
  /* No change: 0. */
  { "PPPPPPPPPPPPPPPPPPPP", 0.0, FALSE },
  { "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", 0.0, FALSE },
  { "P", 0.0, FALSE },
  /* A change at every result: the 19 weights sum to 19, 100 %. */
  { "PFPFPFPFPFPFPFPFPFPF", 100.0, TRUE },
  { "PWFUPWFUPWFUPWFUPWFU", 100.0, TRUE },
  /* ... and still 100 % once the window slides on. */
  { "PFPFPFPFPFPFPFPFPFPFPFPFP", 100.0, TRUE },
  /* One change, the newest: 1.2 / 19. */
  { "PPPPPPPPPPPPPPPPPPPF", 6.3158, FALSE },
  /* One change, the oldest: 0.8 / 19. */
  { "FPPPPPPPPPPPPPPPPPPP", 4.2105, FALSE },
  /* Alternating, then steady: changes 0..8, 9 × 0.8 + 0.4 × 36 / 18 = 8.0; 8 / 19. */
  { "PFPFPFPFPFFFFFFFFFFF", 42.1053, TRUE },
  /* Fewer than 20 results: the missing ones are no change. One change, the newest. */
  { "PF", 6.3158, FALSE },
  /* Five changes, the newest: 1.2 + 1.1778 + 1.1556 + 1.1333 + 1.1111 = 5.7778; / 19. */
  { "PFPFPF", 30.4094, TRUE },
  /* Four: 4.6667 / 19, not above 30. */
  { "PFPFP", 24.5614, FALSE },
  /* Changes 12, 13, 14, 15 and 18: 1.0667 + 1.0889 + 1.1111 + 1.1333 + 1.2 = 5.6; / 19:
   * between the thresholds, and not flapping as it never went above 30. */
  { "PPPPPPPPPPPPPFPFPPPF", 29.4737, FALSE },
};

static void
test_flap_percent (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (flap_cases); c++)
    {
      g_autoptr(TendCheckState) state = tend_check_state_new ("web");
      const char *results = flap_cases[c].results;

      g_test_message ("flap: %s", results);
      for (gsize i = 0; results[i] != '\0'; i++)
        feed (state, results[i], (gint64) (i + 1) * 10 * SEC);
      g_assert_cmpfloat_with_epsilon (tend_check_state_get_flap_percent (state),
                                      flap_cases[c].percent, 0.00005);
      g_assert_cmpint (tend_check_state_is_flapping (state), ==, flap_cases[c].flapping);
    }
}

/* Alternating passes and failures, then passes: flapping starts at the 6th result, goes
 * on through the band between 25 and 30 %, and ends at the 35th. */
static void
test_flap_start_stop (void)
{
  static const struct {
    guint result;        /* 1-based */
    double percent;
  } marks[] = {
    { 5, 24.5614 },      /* 4 changes */
    { 6, 30.4094 },      /* 5 changes: above 30, flapping starts */
    { 20, 100.0 },
    { 21, 100.0 },       /* P after P: the window slid, still 19 changes */
    { 33, 31.9298 },
    { 34, 27.0175 },     /* below 30 but not below 25: still flapping */
    { 35, 22.2222 },     /* below 25: flapping ends */
    { 39, 4.2105 },      /* only the oldest change left */
    { 40, 0.0 },
  };
  g_autoptr(TendCheckState) state = tend_check_state_new ("web");
  g_autofree char *results = g_strconcat ("PFPFPFPFPFPFPFPFPFPF", "PPPPPPPPPPPPPPPPPPPP", NULL);
  guint next_mark = 0;

  for (guint i = 0; results[i] != '\0'; i++)
    {
      guint result = i + 1;
      gboolean flapping = result >= 6 && result <= 34;
      gboolean changed = feed (state, results[i], (gint64) result * 30 * SEC);

      g_test_message ("result %u: %c, %.4f %%", result, results[i],
                      tend_check_state_get_flap_percent (state));
      g_assert_cmpint (tend_check_state_is_flapping (state), ==, flapping);
      /* Three failures in a row never happen: the hard status stays pass, and the only
       * visible changes are the first pass and flapping starting and ending. */
      g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_PASS);
      g_assert_cmpint (changed, ==, result == 1 || result == 6 || result == 35);

      if (next_mark < G_N_ELEMENTS (marks) && marks[next_mark].result == result)
        {
          g_assert_cmpfloat_with_epsilon (tend_check_state_get_flap_percent (state),
                                          marks[next_mark].percent, 0.00005);
          next_mark++;
        }
    }
  g_assert_cmpuint (next_mark, ==, G_N_ELEMENTS (marks));
}

/* The thresholds are parameters. */
static void
test_flap_thresholds (void)
{
  g_autoptr(TendCheckState) state = tend_check_state_new ("web");
  g_autofree char *results = g_strconcat ("PFPFPFPFPFPFPFPFPFPF", "PPPPPPPPPPPPPPPPPPPP", NULL);

  tend_check_state_set_flap_thresholds (state, 50.0, 40.0);
  for (guint i = 0; results[i] != '\0'; i++)
    {
      guint result = i + 1;

      feed (state, results[i], (gint64) result * SEC);
      /* 9: 47.2515 %, 10: 52.6316 %; 31: 42.1053 %, 32: 36.9591 % */
      g_assert_cmpint (tend_check_state_is_flapping (state), ==, result >= 10 && result <= 31);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Notifications of a layer                                                              */

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 GHashTable *counts)
{
  const char *name = g_param_spec_get_name (pspec);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));

  g_hash_table_insert (counts, (gpointer) name, GUINT_TO_POINTER (count + 1));
}

static guint
count_of (GHashTable *counts,
          const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static void
test_state_notify (void)
{
  g_autoptr(TendCheckState) state = tend_check_state_new ("web");
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  guint status = 99;

  g_signal_connect (state, "notify", G_CALLBACK (count_notify_cb), counts);

  feed (state, 'P', 1 * SEC);
  g_assert_cmpuint (count_of (counts, "status"), ==, 1);
  g_assert_cmpuint (count_of (counts, "soft-status"), ==, 1);
  g_assert_cmpuint (count_of (counts, "hard"), ==, 1);
  g_assert_cmpuint (count_of (counts, "pending"), ==, 1);
  g_assert_cmpuint (count_of (counts, "since"), ==, 1);
  g_assert_cmpuint (count_of (counts, "message"), ==, 1);
  g_assert_cmpuint (count_of (counts, "flap-percent"), ==, 0);
  g_assert_cmpuint (count_of (counts, "flapping"), ==, 0);

  /* The same verdict again: nothing changes, nothing notifies. */
  {
    g_autoptr(TendCheckVerdict) verdict =
      tend_check_verdict_new (TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, 10, "HTTP 200 in 10 ms");

    tend_check_state_add (state, verdict, 2 * SEC);
    g_hash_table_remove_all (counts);
    tend_check_state_add (state, verdict, 3 * SEC);
    g_assert_cmpuint (g_hash_table_size (counts), ==, 0);
  }

  /* A soft failure: the soft status, the state type, the message, the flap percent. */
  feed (state, 'F', 4 * SEC);
  g_assert_cmpuint (count_of (counts, "status"), ==, 0);
  g_assert_cmpuint (count_of (counts, "soft-status"), ==, 1);
  g_assert_cmpuint (count_of (counts, "hard"), ==, 1);
  g_assert_cmpuint (count_of (counts, "message"), ==, 1);
  g_assert_cmpuint (count_of (counts, "flap-percent"), ==, 1);

  g_object_get (state, "status", &status, NULL);
  g_assert_cmpuint (status, ==, TEND_RESULT_PASS);
  g_object_get (state, "soft-status", &status, NULL);
  g_assert_cmpuint (status, ==, TEND_RESULT_FAIL);
}

/* A state made from a check takes its name and settings. */

typedef struct { TendCheck parent_instance; } TestCheck;
typedef struct { TendCheckClass parent_class; } TestCheckClass;
static GType test_check_get_type (void);
G_DEFINE_TYPE (TestCheck, test_check, TEND_TYPE_CHECK)

static void
test_check_class_init (TestCheckClass *klass)
{
  TEND_CHECK_CLASS (klass)->kind = "test";
}

static void
test_check_init (TestCheck *self)
{
}

static void
test_new_for_check (void)
{
  g_autoptr(TendCheck) check = g_object_new (test_check_get_type (),
                                             "name", "api",
                                             "failures-before-hard", 4,
                                             "successes-before-recovered", 5,
                                             "startup-grace", 7 * SEC,
                                             NULL);
  g_autoptr(TendCheckState) state = tend_check_state_new_for_check (check);

  g_assert_cmpstr (tend_check_state_get_name (state), ==, "api");
  g_assert_cmpuint (tend_check_state_get_failures_before_hard (state), ==, 4);
  g_assert_cmpuint (tend_check_state_get_successes_before_recovered (state), ==, 5);
  g_assert_cmpint (tend_check_state_get_startup_grace (state), ==, 7 * SEC);
  g_assert_cmpint (tend_check_state_get_started (state), ==, -1);
}

static void
test_defaults (void)
{
  g_autoptr(TendCheckState) state = tend_check_state_new ("web");

  g_assert_cmpstr (tend_check_state_get_name (state), ==, "web");
  g_assert_cmpuint (tend_check_state_get_failures_before_hard (state), ==, 3);
  g_assert_cmpuint (tend_check_state_get_successes_before_recovered (state), ==, 2);
  g_assert_cmpint (tend_check_state_get_startup_grace (state), ==, 10 * SEC);
  g_assert_cmpint (tend_check_state_get_started (state), ==, -1);
  g_assert_true (tend_check_state_is_pending (state));
  g_assert_false (tend_check_state_is_flapping (state));
  g_assert_cmpfloat (tend_check_state_get_flap_percent (state), ==, 0.0);
  g_assert_cmpuint (tend_check_state_get_n_results (state), ==, 0);
  g_assert_cmpint (tend_check_state_get_soft_status (state), ==, TEND_RESULT_UNKNOWN);
}

/* A host that cannot be reached (its bus, its SSH connection) says nothing of the
 * service: an unknown "unreachable" verdict makes the layer unknown at once, as a layer
 * that has just started, and failures before it do not add up with failures after it. */
static void
feed_unreachable (TendCheckState *state,
                  gint64          now_usec)
{
  g_autoptr(TendCheckVerdict) verdict =
    tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                            "not checked: web1 is unreachable");

  tend_check_state_add (state, verdict, now_usec);
}

static void
test_unreachable (void)
{
  g_autoptr(TendCheckState) state = tend_check_state_new ("http");
  gint64 t = 100 * SEC;

  /* Healthy, then two soft failures (three make it hard). */
  feed (state, 'P', t++);
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_PASS);
  feed (state, 'F', t++);
  feed (state, 'F', t++);
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_PASS);

  /* Unreachable: unknown at once, pending. */
  feed_unreachable (state, t++);
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_UNKNOWN);
  g_assert_true (tend_check_state_is_pending (state));
  feed_unreachable (state, t++);
  g_assert_true (tend_check_state_is_pending (state));

  /* Back: one failure is not hard (the two before the outage do not count). */
  feed (state, 'F', t++);
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_UNKNOWN);
  g_assert_true (tend_check_state_is_pending (state));
  /* And the first pass is healthy at once. */
  feed (state, 'P', t++);
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_PASS);
  g_assert_false (tend_check_state_is_pending (state));

  /* A hard failure, then the host goes: unknown, not critical. */
  feed (state, 'F', t++);
  feed (state, 'F', t++);
  feed (state, 'F', t++);
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_FAIL);
  feed_unreachable (state, t++);
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_UNKNOWN);
  feed (state, 'P', t++);
  g_assert_cmpint (tend_check_state_get_status (state), ==, TEND_RESULT_PASS);
}

/* ------------------------------------------------------------------------------------ */
/* The overall status                                                                    */

typedef struct
{
  const char *layers[4];   /* each layer's results (default thresholds), NULL-terminated */
  TendHealthStatus status;
} OverallCase;

static const OverallCase overall_cases[] = {
  { { NULL }, TEND_HEALTH_UNKNOWN },                       /* no layers */
  { { "" }, TEND_HEALTH_UNKNOWN },                         /* pending */
  { { "FF" }, TEND_HEALTH_UNKNOWN },                       /* pending, soft failures */
  { { "UUU" }, TEND_HEALTH_UNKNOWN },
  { { "", "UUU" }, TEND_HEALTH_UNKNOWN },
  { { "P" }, TEND_HEALTH_HEALTHY },
  { { "P", "UUU" }, TEND_HEALTH_HEALTHY },
  { { "P", "" }, TEND_HEALTH_HEALTHY },
  { { "PFF" }, TEND_HEALTH_HEALTHY },                      /* a soft failure */
  { { "PWW", "P" }, TEND_HEALTH_HEALTHY },                 /* a soft warn */
  { { "PWWW" }, TEND_HEALTH_DEGRADED },
  { { "P", "PWWW" }, TEND_HEALTH_DEGRADED },
  { { "PWWW", "UUU" }, TEND_HEALTH_DEGRADED },
  { { "PFFF" }, TEND_HEALTH_CRITICAL },
  { { "PWWW", "PFFF" }, TEND_HEALTH_CRITICAL },
  { { "P", "PFFF", "UUU" }, TEND_HEALTH_CRITICAL },
  { { "PFFFP" }, TEND_HEALTH_CRITICAL },                   /* recovering, not recovered */
  { { "PFFFPP" }, TEND_HEALTH_HEALTHY },                   /* recovered */
  { { "PFPFPFP" }, TEND_HEALTH_DEGRADED },                 /* hard pass, flapping */
  { { "P", "PFPFPFP" }, TEND_HEALTH_DEGRADED },
  { { "UUUPUPUPU" }, TEND_HEALTH_DEGRADED },               /* hard unknown, flapping */
  { { "FFFPFPFPF" }, TEND_HEALTH_CRITICAL },               /* hard fail, flapping */
  { { "PFPFP" }, TEND_HEALTH_HEALTHY },                    /* 24.56 %: not flapping */
};

static void
test_overall (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (overall_cases); c++)
    {
      const OverallCase *oc = &overall_cases[c];
      g_autoptr(TendHealth) health = tend_health_new ();
      TendHealthStatus status = TEND_HEALTH_HEALTHY;

      for (guint l = 0; oc->layers[l] != NULL; l++)
        {
          g_autofree char *name = g_strdup_printf ("check%u", l);
          g_autoptr(TendCheckState) layer = tend_check_state_new (name);

          tend_health_add_layer (health, layer);
          for (gsize i = 0; oc->layers[l][i] != '\0'; i++)
            {
              g_autoptr(TendCheckVerdict) verdict = NULL;
              TendResultStatus s = status_of (oc->layers[l][i]);

              verdict = tend_check_verdict_new (s, failure_of (s), 0, "result %" G_GSIZE_FORMAT, i);
              tend_health_add (health, name, verdict, (gint64) (i + 1) * 10 * SEC);
            }
        }

      g_test_message ("overall case %u: %s", c,
                      tend_health_status_to_string (tend_health_get_status (health)));
      g_assert_cmpstr (tend_health_status_to_string (tend_health_get_status (health)), ==,
                       tend_health_status_to_string (oc->status));
      g_object_get (health, "status", &status, NULL);
      g_assert_cmpint (status, ==, oc->status);
    }
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

/* The overall status follows its layers, however they are fed and changed. */
static void
test_health_layers (void)
{
  g_autoptr(TendHealth) health = tend_health_new ();
  g_autoptr(TendCheckState) unit = tend_check_state_new ("unit");
  g_autoptr(TendCheckState) http = tend_check_state_new ("http");
  g_autoptr(TendCheckState) http2 = tend_check_state_new ("http");
  g_autoptr(TendCheckVerdict) fail =
    tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE, -1, "failed");
  GListModel *layers = tend_health_get_layers (health);
  guint notified = 0;

  g_signal_connect (health, "notify::status", G_CALLBACK (count_cb), &notified);

  tend_check_state_set_thresholds (unit, 1, 1);
  tend_health_add_layer (health, unit);
  tend_health_add_layer (health, http);
  g_assert_cmpuint (g_list_model_get_n_items (layers), ==, 2);
  g_assert_true (tend_health_get_layer (health, "unit") == unit);
  g_assert_true (tend_health_get_layer (health, "http") == http);
  g_assert_null (tend_health_get_layer (health, "redis"));
  {
    g_autoptr(TendCheckState) first = g_list_model_get_item (layers, 0);
    g_autoptr(TendCheckState) second = g_list_model_get_item (layers, 1);

    g_assert_true (first == http);      /* sorted by name */
    g_assert_true (second == unit);
  }
  g_assert_cmpint (tend_health_get_status (health), ==, TEND_HEALTH_UNKNOWN);
  g_assert_cmpuint (notified, ==, 0);

  /* Fed through the health or directly: the overall status follows. */
  g_assert_true (tend_health_add (health, "unit", fail, 10 * SEC));
  g_assert_cmpint (tend_health_get_status (health), ==, TEND_HEALTH_CRITICAL);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_false (tend_health_add (health, "unit", fail, 20 * SEC));
  g_assert_cmpuint (notified, ==, 1);
  feed (unit, 'P', 30 * SEC);
  g_assert_cmpint (tend_health_get_status (health), ==, TEND_HEALTH_HEALTHY);
  g_assert_cmpuint (notified, ==, 2);
  feed (http, 'P', 30 * SEC);
  g_assert_cmpuint (notified, ==, 2);

  /* Replacing a layer by one of the same name. */
  tend_check_state_set_thresholds (http2, 1, 1);
  feed (http2, 'W', 40 * SEC);
  tend_health_add_layer (health, http2);
  g_assert_cmpuint (g_list_model_get_n_items (layers), ==, 2);
  g_assert_true (tend_health_get_layer (health, "http") == http2);
  g_assert_cmpint (tend_health_get_status (health), ==, TEND_HEALTH_DEGRADED);
  g_assert_cmpuint (notified, ==, 3);
  /* The old one is no longer listened to. */
  feed (http, 'F', 50 * SEC);
  feed (http, 'F', 51 * SEC);
  feed (http, 'F', 52 * SEC);
  g_assert_cmpint (tend_check_state_get_status (http), ==, TEND_RESULT_FAIL);
  g_assert_cmpint (tend_health_get_status (health), ==, TEND_HEALTH_DEGRADED);
  g_assert_cmpuint (notified, ==, 3);

  /* Removing. */
  g_assert_true (tend_health_remove_layer (health, "http"));
  g_assert_false (tend_health_remove_layer (health, "http"));
  g_assert_cmpint (tend_health_get_status (health), ==, TEND_HEALTH_HEALTHY);
  g_assert_cmpuint (notified, ==, 4);
  feed (http2, 'F', 60 * SEC);
  g_assert_cmpint (tend_health_get_status (health), ==, TEND_HEALTH_HEALTHY);
  g_assert_true (tend_health_remove_layer (health, "unit"));
  g_assert_cmpint (tend_health_get_status (health), ==, TEND_HEALTH_UNKNOWN);
  g_assert_cmpuint (g_list_model_get_n_items (layers), ==, 0);
}

/* The service's start reaches every layer, those added later too. */
static void
test_health_started (void)
{
  g_autoptr(TendHealth) health = tend_health_new ();
  g_autoptr(TendCheckState) before = tend_check_state_new ("before");
  g_autoptr(TendCheckState) after = tend_check_state_new ("after");

  tend_health_add_layer (health, before);
  tend_health_set_started (health, 100 * SEC);
  g_assert_cmpint (tend_check_state_get_started (before), ==, 100 * SEC);
  tend_health_add_layer (health, after);
  g_assert_cmpint (tend_check_state_get_started (after), ==, 100 * SEC);
}

/* A health that goes away while a layer lives on leaves no handler behind. */
static void
test_health_outlived (void)
{
  g_autoptr(TendCheckState) layer = tend_check_state_new ("web");
  TendHealth *health = tend_health_new ();

  tend_health_add_layer (health, layer);
  g_object_unref (health);
  feed (layer, 'P', SEC);
  feed (layer, 'F', 2 * SEC);
  g_assert_cmpint (tend_check_state_get_status (layer), ==, TEND_RESULT_PASS);
}

static void
test_health_status_strings (void)
{
  static const struct {
    TendHealthStatus status;
    const char *name;
  } names[] = {
    { TEND_HEALTH_HEALTHY, "healthy" },
    { TEND_HEALTH_DEGRADED, "degraded" },
    { TEND_HEALTH_CRITICAL, "critical" },
    { TEND_HEALTH_UNKNOWN, "unknown" },
  };
  g_autoptr(GEnumClass) klass = g_type_class_ref (TEND_TYPE_HEALTH_STATUS);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_cmpstr (tend_health_status_to_string (names[i].status), ==, names[i].name);
      g_assert_cmpstr (g_enum_get_value (klass, names[i].status)->value_nick, ==, names[i].name);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Recommendations                                                                       */

typedef struct
{
  const char *kind;
  TendResultStatus status;
  TendCheckFailure failure;
  const char *message;
  const char *target;
  const char *unit;
  gint64 timeout;
  const char *expected;  /* NULL: no recommendation */
} RecommendCase;

static const RecommendCase recommend_cases[] = {
  /* Refused. */
  { "tcp", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED, "connection refused on 127.0.0.1:8080",
    "127.0.0.1:8080", "web.service", 5 * SEC,
    "connection refused on 127.0.0.1:8080 — the service is not listening; "
    "see the log of web.service" },
  { "http", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED, "connection refused",
    "http://127.0.0.1:8080/health", NULL, 5 * SEC,
    "connection refused on http://127.0.0.1:8080/health — the service is not listening; "
    "see its log" },
  /* Timeout. */
  { "http", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TIMEOUT, "no answer within 5s",
    "http://127.0.0.1:8080/health", "web.service", 5 * SEC,
    "http://127.0.0.1:8080/health did not answer within 5s — it may be hung or overloaded" },
  { "redis", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TIMEOUT, "no answer",
    "127.0.0.1:6379", NULL, 1500 * TEND_USEC_PER_MSEC,
    "127.0.0.1:6379 did not answer within 1s 500ms — it may be hung or overloaded" },
  { "tcp", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TIMEOUT, "no answer",
    "db:5432", NULL, 0,
    "db:5432 did not answer in time — it may be hung or overloaded" },
  { "command", TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_TIMEOUT, "killed after 10s",
    "/usr/lib/nagios/plugins/check_disk", NULL, 10 * SEC,
    "/usr/lib/nagios/plugins/check_disk did not finish within 10s — it may be hung" },
  /* DNS. */
  { "http", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_DNS, "no such host",
    "https://nosuch.example/health", NULL, 5 * SEC,
    "the name in https://nosuch.example/health does not resolve — check the host name" },
  /* TLS. */
  { "http", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TLS, "certificate is self-signed",
    "https://127.0.0.1:8443/", NULL, 5 * SEC,
    "the certificate of https://127.0.0.1:8443/ was refused — check it, or set verify_tls "
    "false for a self-signed one" },
  /* Unreachable. */
  { "tcp", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, "no route to host",
    "10.0.0.9:22", NULL, 5 * SEC,
    "10.0.0.9:22 cannot be reached — check the network and that the host is up" },
  { "unit", TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_UNREACHABLE,
    "state of web.service unknown: this computer (user manager) is unreachable, reconnecting",
    "web.service", "web.service", 5 * SEC,
    "the service manager of web.service cannot be reached, so its state is not known; Tend "
    "reconnects by itself — check that the bus runs (the message says which)" },
  /* Protocol: HTTP by status class, other kinds. */
  { "http", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, "HTTP 500 in 12 ms",
    "http://127.0.0.1:8080/health", "web.service", 5 * SEC,
    "HTTP 500 from http://127.0.0.1:8080/health — the service answered with an error; "
    "see the log of web.service" },
  { "http", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, "HTTP 503",
    "http://127.0.0.1:8080/health", NULL, 5 * SEC,
    "HTTP 503 from http://127.0.0.1:8080/health — the service answered with an error; see "
    "its log" },
  { "http", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, "HTTP 404 in 3 ms",
    "http://127.0.0.1:8080/helth", NULL, 5 * SEC,
    "HTTP 404 from http://127.0.0.1:8080/helth — check the URL, or add the status to "
    "expect_status" },
  { "http", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, "HTTP 301 in 3 ms",
    "http://example.com/", NULL, 5 * SEC,
    "HTTP 301 from http://example.com/ — point the check at the final URL, or add the status "
    "to expect_status" },
  { "http", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, "HTTP 200 in 3 ms, body lacks 'ok'",
    "http://127.0.0.1:8080/health", NULL, 5 * SEC,
    "http://127.0.0.1:8080/health answered, but not as the check expects — check "
    "expect_status and body_contains" },
  { "http", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, "HTTP 5000 is not a status",
    "http://127.0.0.1:8080/", NULL, 5 * SEC,
    "http://127.0.0.1:8080/ answered, but not as the check expects — check expect_status and "
    "body_contains" },
  { "http", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL,
    "the answer from 127.0.0.1:8080 has headers larger than 64 KiB, the most Tend reads",
    "http://127.0.0.1:8080/", "web.service", 5 * SEC,
    "http://127.0.0.1:8080/ answers with more headers than a client reads — check what the "
    "service or a proxy in front of it adds; see the log of web.service" },
  { "tcp", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, "answer lacks '+PONG'",
    "127.0.0.1:7000", NULL, 5 * SEC,
    "127.0.0.1:7000 answered, but not as the check expects — check send and expect" },
  { "redis", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, "PING answered 'NOAUTH'",
    "127.0.0.1:6379", NULL, 5 * SEC,
    "127.0.0.1:6379 answered, but not as a Redis server should — check the port and the "
    "password" },
  { NULL, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, NULL,
    "thing", NULL, 0,
    "thing answered, but not as the check expects" },
  /* Threshold. */
  { "resources", TEND_RESULT_WARN, TEND_CHECK_FAILURE_THRESHOLD, "memory 812 MiB, over 512 MiB",
    "web.service", "web.service", 5 * SEC,
    "web.service is past its threshold: memory 812 MiB, over 512 MiB" },
  { "redis", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_THRESHOLD, "1200 clients\nmore text",
    "127.0.0.1:6379", NULL, 5 * SEC,
    "127.0.0.1:6379 is past its threshold: 1200 clients" },
  { "resources", TEND_RESULT_WARN, TEND_CHECK_FAILURE_THRESHOLD, "",
    "web.service", NULL, 5 * SEC,
    "web.service is past its threshold" },
  /* State. */
  { "unit", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE, "failed (exit-code)",
    "web.service", "web.service", 5 * SEC,
    "web.service failed — see its log, then restart it" },
  { "unit", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE, "failed (signal)",
    "web.service", NULL, 5 * SEC,
    "web.service failed — see its log, then restart it" },
  { "unit", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE, "inactive (dead)",
    "web.service", "web.service", 5 * SEC,
    "web.service is not running — start it" },
  { "unit", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE, "not-found (inactive)",
    "wbe.service", "wbe.service", 5 * SEC,
    "wbe.service is not loaded — check the unit name" },
  /* Exec. */
  { "command", TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_EXEC, "Permission denied",
    "/usr/local/bin/check-web", NULL, 5 * SEC,
    "could not run /usr/local/bin/check-web — check the path and permissions" },
  /* Nothing useful to say. */
  { "http", TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in 3 ms",
    "http://127.0.0.1:8080/", NULL, 5 * SEC, NULL },
  { "http", TEND_RESULT_PASS, TEND_CHECK_FAILURE_REFUSED, "odd, but a pass",
    "http://127.0.0.1:8080/", NULL, 5 * SEC, NULL },
  { "command", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_OTHER, "CRITICAL - disk full",
    "/usr/lib/nagios/plugins/check_disk", NULL, 5 * SEC, NULL },
  { "command", TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_NONE, "exit 3",
    "/usr/lib/nagios/plugins/check_disk", NULL, 5 * SEC, NULL },
};

static void
test_recommend (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (recommend_cases); c++)
    {
      const RecommendCase *rc = &recommend_cases[c];
      TendCheckVerdict verdict = {
        .status = rc->status,
        .failure = rc->failure,
        .latency_usec = -1,
        .message = (char *) rc->message,
      };
      g_autofree char *text = tend_health_recommend (&verdict, rc->kind, rc->target, rc->unit,
                                                     rc->timeout);

      g_test_message ("recommend: %s %s", tend_check_failure_to_string (rc->failure),
                      rc->message != NULL ? rc->message : "(no message)");
      g_assert_cmpstr (text, ==, rc->expected);
      if (text != NULL)
        g_assert_null (strchr (text, '\n'));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/health/state/defaults", test_defaults);
  g_test_add_func ("/health/state/sequences", test_sequences);
  g_test_add_func ("/health/state/grace-boundary", test_grace_boundary);
  g_test_add_func ("/health/state/since-and-message", test_since_and_message);
  g_test_add_func ("/health/state/notify", test_state_notify);
  g_test_add_func ("/health/state/new-for-check", test_new_for_check);
  g_test_add_func ("/health/state/unreachable", test_unreachable);
  g_test_add_func ("/health/flap/percent", test_flap_percent);
  g_test_add_func ("/health/flap/start-stop", test_flap_start_stop);
  g_test_add_func ("/health/flap/thresholds", test_flap_thresholds);
  g_test_add_func ("/health/overall/cases", test_overall);
  g_test_add_func ("/health/overall/layers", test_health_layers);
  g_test_add_func ("/health/overall/started", test_health_started);
  g_test_add_func ("/health/overall/outlived", test_health_outlived);
  g_test_add_func ("/health/overall/status-strings", test_health_status_strings);
  g_test_add_func ("/health/recommend", test_recommend);

  return g_test_run ();
}
