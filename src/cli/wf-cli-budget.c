/* wf-cli-budget.c: whatif-cli budget [set --monthly USD --session USD --run USD]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "wf-budget.h"
#include "wf-cli-commands.h"

/* "20", "0.25", "$1,000.50" are amounts in dollars; "none" or "off" removes
 * the limit (-1). Parsed as decimal text, so "0.1" is exactly 100000 micros. */
static gboolean
parse_usd (const char *text,
           gint64     *out_micros)
{
  g_autofree char *clean = NULL;
  const char *p;
  gint64 whole = 0, frac = 0;
  int frac_digits = 0;
  gboolean any = FALSE;
  GString *s;

  if (text == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (text, "none") == 0 || g_ascii_strcasecmp (text, "off") == 0)
    {
      *out_micros = -1;
      return TRUE;
    }

  s = g_string_new (NULL);
  for (p = text; *p; p++)
    if (*p != ',' && *p != '_')
      g_string_append_c (s, *p);
  clean = g_string_free (s, FALSE);

  p = clean;
  if (*p == '$')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    {
      whole = whole * 10 + (*p - '0');
      any = TRUE;
      if (whole > 1000000)
        return FALSE;
    }
  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++)
        {
          if (frac_digits == 6)
            return FALSE;    /* finer than a micro-dollar */
          frac = frac * 10 + (*p - '0');
          frac_digits++;
          any = TRUE;
        }
    }
  if (*p != '\0' || !any)
    return FALSE;
  for (; frac_digits < 6; frac_digits++)
    frac *= 10;

  *out_micros = whole * WF_MICROS_PER_USD + frac;
  return *out_micros <= WF_BUDGET_MAX_AMOUNT_MICROS;
}

static gboolean
parse_ratio (const char *text,
             double     *out_ratio)
{
  char *end = NULL;
  double value;

  if (text == NULL || *text == '\0')
    return FALSE;
  value = g_ascii_strtod (text, &end);
  if (end == NULL || (*end != '\0' && !(*end == '%' && end[1] == '\0')) || !isfinite (value))
    return FALSE;
  if (*end == '%')
    value /= 100.0;
  if (value <= 0 || value > 1)
    return FALSE;

  *out_ratio = value;
  return TRUE;
}

static void
add_limit_member (JsonBuilder *builder,
                  const char  *name,
                  gint64       micros)
{
  json_builder_set_member_name (builder, name);
  if (micros < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, micros);
}

static char *
format_limit (gint64 micros)
{
  if (micros < 0)
    return g_strdup (_("none"));
  return wf_cli_format_usd (micros);
}

static int
budget_show (WfCliCommon *common,
             WfStore     *store)
{
  g_autoptr(WfBudget) budget = wf_budget_new (store);
  g_autoptr(GError) error = NULL;
  WfBudgetStatus st;

  if (!wf_budget_get_status (budget, 0, &st, &error))
    return wf_cli_fail (common, "budget", WF_CLI_EXIT_FAILED, "%s", error->message);

  if (common->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(GDateTime) reset = g_date_time_new_from_unix_local (st.next_reset_us / G_USEC_PER_SEC);
      g_autofree char *reset_iso = reset ? g_date_time_format_iso8601 (reset) : NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, wf_budget_state_to_string (st.state));
      json_builder_set_member_name (builder, "tightest_scope");
      json_builder_add_string_value (builder, wf_budget_scope_to_string (st.tightest));
      add_limit_member (builder, "monthly_micros", st.monthly_limit);
      add_limit_member (builder, "session_micros", st.session_limit);
      add_limit_member (builder, "run_micros", st.run_limit);
      json_builder_set_member_name (builder, "warn_ratio");
      json_builder_add_double_value (builder, st.warn_ratio);
      json_builder_set_member_name (builder, "degrade_ratio");
      json_builder_add_double_value (builder, st.degrade_ratio);
      json_builder_set_member_name (builder, "spent_micros");
      json_builder_add_int_value (builder, st.month_settled);
      json_builder_set_member_name (builder, "reserved_micros");
      json_builder_add_int_value (builder, st.month_reserved);
      json_builder_set_member_name (builder, "runs");
      json_builder_add_int_value (builder, st.month_n_settled);
      json_builder_set_member_name (builder, "estimated_runs");
      json_builder_add_int_value (builder, st.month_n_estimated);
      json_builder_set_member_name (builder, "month_start_us");
      json_builder_add_int_value (builder, st.month_start_us);
      json_builder_set_member_name (builder, "next_reset_us");
      json_builder_add_int_value (builder, st.next_reset_us);
      json_builder_set_member_name (builder, "next_reset");
      json_builder_add_string_value (builder, reset_iso);
      json_builder_end_object (builder);
      wf_cli_print_builder (builder);
    }
  else
    {
      g_autofree char *monthly = format_limit (st.monthly_limit);
      g_autofree char *session = format_limit (st.session_limit);
      g_autofree char *run = format_limit (st.run_limit);
      g_autofree char *spent = wf_cli_format_usd (st.month_settled);
      g_autofree char *reserved = wf_cli_format_usd (st.month_reserved);
      g_autofree char *reset = wf_cli_format_time (st.next_reset_us);

      g_print (_("Monthly limit:  %s\n"), monthly);
      g_print (_("Session limit:  %s\n"), session);
      g_print (_("Per-run cap:    %s\n"), run);
      g_print (_("Thresholds:     warn at %.0f%%, cheaper model at %.0f%%, stop at 100%%\n"),
               st.warn_ratio * 100, st.degrade_ratio * 100);
      g_print (_("Spent this month: %s in %u runs"), spent, st.month_n_settled);
      if (st.month_n_estimated > 0)
        g_print (_(" (%u estimated)"), st.month_n_estimated);
      g_print ("\n");
      if (st.month_reserved > 0)
        g_print (_("Reserved now:   %s\n"), reserved);
      if (st.monthly_limit >= 0)
        g_print (_("Used:           %.1f%%\n"), st.ratio * 100);
      g_print (_("State:          %s\n"), wf_budget_state_to_string (st.state));
      g_print (_("Next reset:     %s\n"), reset);
    }

  return WF_CLI_EXIT_OK;
}

static int
budget_set (int    argc,
            char **argv)
{
  WfCliCommon common = { 0 };
  g_autofree char *monthly = NULL;
  g_autofree char *session = NULL;
  g_autofree char *run = NULL;
  g_autofree char *warn = NULL;
  g_autofree char *degrade = NULL;
  const GOptionEntry entries[] = {
    { "monthly", 0, 0, G_OPTION_ARG_STRING, &monthly, N_("Monthly limit in dollars, or “none”"), N_("USD") },
    { "session", 0, 0, G_OPTION_ARG_STRING, &session, N_("Limit per session in dollars, or “none”"), N_("USD") },
    { "run", 0, 0, G_OPTION_ARG_STRING, &run, N_("Cap per run in dollars, or “none”"), N_("USD") },
    { "warn", 0, 0, G_OPTION_ARG_STRING, &warn, N_("Warn at this share of a limit (0.8 or 80%)"), N_("RATIO") },
    { "degrade", 0, 0, G_OPTION_ARG_STRING, &degrade, N_("Use the cheaper model from this share (0.95)"), N_("RATIO") },
    { NULL }
  };
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfBudget) budget = NULL;
  g_autoptr(GError) error = NULL;
  WfBudgetLimits limits;
  int ret;

  if (!wf_cli_parse (&argc, &argv, "budget set", NULL,
                     _("Set the spend limits. Amounts are in dollars; “none” removes a limit."),
                     entries, &common))
    {
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_USAGE;
    }

  if (argc > 1)
    {
      ret = wf_cli_fail (&common, "budget set", WF_CLI_EXIT_USAGE, _("unexpected argument “%s”"), argv[1]);
      goto out;
    }
  if (!monthly && !session && !run && !warn && !degrade)
    {
      ret = wf_cli_fail (&common, "budget set", WF_CLI_EXIT_USAGE,
                         _("nothing to set: give --monthly, --session, --run, --warn or --degrade"));
      goto out;
    }

  store = wf_cli_open_store (&common);
  if (store == NULL)
    {
      ret = WF_CLI_EXIT_FAILED;
      goto out;
    }
  budget = wf_budget_new (store);
  if (!wf_budget_get_limits (budget, &limits, &error))
    {
      ret = wf_cli_fail (&common, "budget set", WF_CLI_EXIT_FAILED, "%s", error->message);
      goto out;
    }

  if ((monthly && !parse_usd (monthly, &limits.monthly_micros))
      || (session && !parse_usd (session, &limits.session_micros))
      || (run && !parse_usd (run, &limits.run_micros)))
    {
      ret = wf_cli_fail (&common, "budget set", WF_CLI_EXIT_USAGE,
                         _("an amount must be dollars such as 20 or 0.25 (at most $1,000,000, "
                           "six decimals), or “none”"));
      goto out;
    }
  if ((warn && !parse_ratio (warn, &limits.warn_ratio))
      || (degrade && !parse_ratio (degrade, &limits.degrade_ratio)))
    {
      ret = wf_cli_fail (&common, "budget set", WF_CLI_EXIT_USAGE,
                         _("a threshold must be a share above 0 and at most 1, such as 0.8 or 80%%"));
      goto out;
    }

  if (!wf_budget_set_limits (budget, &limits, &error))
    {
      ret = wf_cli_fail (&common, "budget set",
                         g_error_matches (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_INVALID)
                           ? WF_CLI_EXIT_USAGE : WF_CLI_EXIT_FAILED,
                         "%s", error->message);
      goto out;
    }

  ret = budget_show (&common, store);

out:
  wf_cli_common_clear (&common);
  return ret;
}

int
wf_cli_budget (int    argc,
               char **argv)
{
  WfCliCommon common = { 0 };
  g_autoptr(WfStore) store = NULL;
  int ret;

  if (argc > 1 && g_str_equal (argv[1], "set"))
    return budget_set (argc - 1, argv + 1);

  if (!wf_cli_parse (&argc, &argv, "budget", "[set]",
                     _("Show the spend limits, this month’s spend, the budget state and the "
                       "next reset. “budget set --help” changes the limits."),
                     NULL, &common))
    {
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_USAGE;
    }
  if (argc > 1)
    {
      ret = wf_cli_fail (&common, "budget", WF_CLI_EXIT_USAGE, _("unknown sub-command “%s”"), argv[1]);
      wf_cli_common_clear (&common);
      return ret;
    }

  store = wf_cli_open_store (&common);
  if (store == NULL)
    {
      wf_cli_common_clear (&common);
      return WF_CLI_EXIT_FAILED;
    }

  ret = budget_show (&common, store);
  wf_cli_common_clear (&common);
  return ret;
}
