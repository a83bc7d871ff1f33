/* wf-firewall.c: verdicts, their JSON form, and the Python check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-firewall"

#include "config.h"

#include "wf-firewall.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/resource.h>

G_DEFINE_QUARK (wf-firewall-error-quark, wf_firewall_error)

#define RULE_ID_MAX      64
#define MESSAGE_MAX      4096
/* The policy refuses larger programs itself; this only bounds the pipe. */
#define LOCAL_CODE_MAX   (4 * 1024 * 1024)

static void
wf_rule_free (WfRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->rule);
  g_free (rule->message);
  g_free (rule);
}

WfVerdict *
wf_verdict_new (WfVerdictKind  verdict,
                const char    *language)
{
  WfVerdict *self = g_new0 (WfVerdict, 1);

  self->verdict = verdict;
  self->language = g_strdup (language ? language : "python");
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_rule_free);

  return self;
}

void
wf_verdict_free (WfVerdict *verdict)
{
  if (verdict == NULL)
    return;
  g_free (verdict->language);
  g_clear_pointer (&verdict->rules, g_ptr_array_unref);
  g_free (verdict);
}

void
wf_verdict_add_rule (WfVerdict  *verdict,
                     const char *rule,
                     int         line,
                     int         column,
                     const char *message)
{
  WfRule *r;

  g_return_if_fail (verdict != NULL);
  g_return_if_fail (rule != NULL);

  r = g_new0 (WfRule, 1);
  r->rule = g_strdup (rule);
  r->line = MAX (line, 0);
  r->column = MAX (column, 0);
  r->message = g_strdup (message ? message : "");
  g_ptr_array_add (verdict->rules, r);
  verdict->verdict = WF_VERDICT_BLOCK;
}

gboolean
wf_verdict_is_allowed (const WfVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, FALSE);

  return verdict->verdict == WF_VERDICT_ALLOW && verdict->rules->len == 0;
}

gboolean
wf_verdict_has_rule (const WfVerdict *verdict,
                     const char      *rule)
{
  g_return_val_if_fail (verdict != NULL, FALSE);
  g_return_val_if_fail (rule != NULL, FALSE);

  for (guint i = 0; i < verdict->rules->len; i++)
    {
      const WfRule *r = g_ptr_array_index (verdict->rules, i);

      if (g_strcmp0 (r->rule, rule) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
rule_id_is_valid (const char *id)
{
  gsize len = strlen (id);

  if (len == 0 || len > RULE_ID_MAX)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-' && *p != '_')
      return FALSE;

  return TRUE;
}

static gboolean
get_int_member (JsonObject  *object,
                const char  *name,
                gint64      *out,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                   _("The firewall verdict has no whole number “%s” in a rule."), name);
      return FALSE;
    }
  *out = json_node_get_int (node);
  if (*out < 0 || *out > G_MAXINT)
    {
      g_set_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                   _("The firewall verdict has an impossible “%s” in a rule."), name);
      return FALSE;
    }

  return TRUE;
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

WfVerdict *
wf_verdict_from_json (const char  *json,
                      gssize       length,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(WfVerdict) verdict = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *rules_node;
  JsonArray *rules;
  const char *kind;
  const char *language;
  guint n_rules;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (json);
  if (length > WF_VERDICT_MAX_BYTES)
    {
      g_set_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                   _("The firewall verdict is larger than %d bytes."), WF_VERDICT_MAX_BYTES);
      return NULL;
    }
  if (!g_utf8_validate (json, length, NULL))
    {
      g_set_error_literal (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                           _("The firewall verdict is not valid UTF-8 text."));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                   _("The firewall verdict is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                           _("The firewall verdict is not a JSON object."));
      return NULL;
    }
  object = json_node_get_object (root);

  kind = get_string_member (object, "verdict");
  if (kind == NULL || (strcmp (kind, "allow") != 0 && strcmp (kind, "block") != 0))
    {
      g_set_error_literal (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                           _("The firewall verdict says neither “allow” nor “block”."));
      return NULL;
    }

  language = get_string_member (object, "language");
  if (language == NULL || (strcmp (language, "python") != 0 && strcmp (language, "sql") != 0))
    {
      g_set_error_literal (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                           _("The firewall verdict names no known language."));
      return NULL;
    }

  rules_node = json_object_get_member (object, "rules");
  if (rules_node == NULL || !JSON_NODE_HOLDS_ARRAY (rules_node))
    {
      g_set_error_literal (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                           _("The firewall verdict has no list of rules."));
      return NULL;
    }
  rules = json_node_get_array (rules_node);
  n_rules = json_array_get_length (rules);
  if (n_rules > WF_VERDICT_MAX_RULES)
    {
      g_set_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                   _("The firewall verdict lists more than %d rules."), WF_VERDICT_MAX_RULES);
      return NULL;
    }

  /* An allow with reasons or a block without one is a checker bug; failing
   * closed with a clear error beats guessing which half is right. */
  if ((strcmp (kind, "allow") == 0) != (n_rules == 0))
    {
      g_set_error_literal (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                           _("The firewall verdict contradicts itself: an allow must list no rules and a block at least one."));
      return NULL;
    }

  verdict = wf_verdict_new (WF_VERDICT_ALLOW, language);
  for (guint i = 0; i < n_rules; i++)
    {
      JsonNode *node = json_array_get_element (rules, i);
      JsonObject *rule;
      const char *id;
      const char *message;
      gint64 line;
      gint64 column;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                               _("A rule in the firewall verdict is not a JSON object."));
          return NULL;
        }
      rule = json_node_get_object (node);
      id = get_string_member (rule, "rule");
      message = get_string_member (rule, "message");
      if (id == NULL || !rule_id_is_valid (id))
        {
          g_set_error_literal (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                               _("A rule in the firewall verdict has no valid id."));
          return NULL;
        }
      if (message == NULL || strlen (message) > MESSAGE_MAX)
        {
          g_set_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_INVALID,
                       _("Rule “%s” in the firewall verdict has no usable message."), id);
          return NULL;
        }
      if (!get_int_member (rule, "line", &line, error) ||
          !get_int_member (rule, "column", &column, error))
        return NULL;

      wf_verdict_add_rule (verdict, id, (int) line, (int) column, message);
    }

  return g_steal_pointer (&verdict);
}

JsonNode *
wf_verdict_to_json_node (const WfVerdict *verdict)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (verdict != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, wf_verdict_is_allowed (verdict) ? "allow" : "block");
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, verdict->language);
  json_builder_set_member_name (builder, "rules");
  json_builder_begin_array (builder);
  for (guint i = 0; i < verdict->rules->len; i++)
    {
      const WfRule *r = g_ptr_array_index (verdict->rules, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "rule");
      json_builder_add_string_value (builder, r->rule);
      json_builder_set_member_name (builder, "line");
      json_builder_add_int_value (builder, r->line);
      json_builder_set_member_name (builder, "column");
      json_builder_add_int_value (builder, r->column);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, r->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
wf_verdict_to_json (const WfVerdict *verdict)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (verdict != NULL, NULL);

  node = wf_verdict_to_json_node (verdict);
  return json_to_string (node, FALSE);
}

WfVerdict *
wf_firewall_check_python (WfSandbox     *sandbox,
                          const char    *code,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(WfJob) job = NULL;
  WfRunResult *result;
  WfVerdict *verdict;

  g_return_val_if_fail (WF_IS_SANDBOX (sandbox), NULL);
  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  job = wf_job_new (WF_JOB_CHECK, "python", code);
  result = wf_sandbox_run (sandbox, job, NULL, NULL, cancellable, error);
  if (result == NULL)
    return NULL;

  if (result->verdict_json == NULL)
    {
      g_set_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_CHECKER,
                   _("The sandbox returned no firewall verdict: %s"),
                   result->error_message ? result->error_message : _("no reason given"));
      wf_run_result_free (result);
      return NULL;
    }

  verdict = wf_verdict_from_json (result->verdict_json, -1, error);
  wf_run_result_free (result);

  return verdict;
}

/* Runs in the child before exec: bound what a hostile input can make the
 * parser spend. A stack-overflowing program is caught by Python as a
 * RecursionError, and the CPU limit ends anything pathological. */
static void
local_child_setup (G_GNUC_UNUSED gpointer user_data)
{
  struct rlimit cpu = { 10, 10 };
  struct rlimit as = { (rlim_t) 1 << 30, (rlim_t) 1 << 30 };

  setrlimit (RLIMIT_CPU, &cpu);
  setrlimit (RLIMIT_AS, &as);
}

static const char local_script[] =
  "import sys, json\n"
  "sys.path.insert(0, sys.argv[1])\n"
  "import whatif_policy\n"
  "data = sys.stdin.buffer.read()\n"
  "verdict, _code = whatif_policy.check(data, whatif_policy.load_policy())\n"
  "sys.stdout.write(json.dumps(verdict))\n";

WfVerdict *
wf_firewall_check_python_local (const char    *python,
                                const char    *runner_dir,
                                const char    *code,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GBytes) output = NULL;
  g_autoptr(GBytes) errors = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *out_data;
  gsize out_len;
  gsize code_len;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (python == NULL)
    python = WF_SANDBOX_PYTHON;
  if (runner_dir == NULL)
    runner_dir = wf_sandbox_get_runner_dir ();

  code_len = strlen (code);
  if (code_len > LOCAL_CODE_MAX)
    {
      g_set_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_CHECKER,
                   _("The code is larger than %d bytes and was not checked."), LOCAL_CODE_MAX);
      return NULL;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Nothing of the caller's environment matters to a parse. */
  g_subprocess_launcher_set_environ (launcher, NULL);
  g_subprocess_launcher_setenv (launcher, "PYTHONDONTWRITEBYTECODE", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, local_child_setup, NULL, NULL);

  process = g_subprocess_launcher_spawn (launcher, &local_error,
                                         python, "-I", "-S", "-c", local_script,
                                         runner_dir, NULL);
  if (process == NULL)
    {
      g_set_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_CHECKER,
                   _("Could not start the Python checker %s: %s"), python, local_error->message);
      return NULL;
    }

  input = g_bytes_new_static (code, code_len);
  if (!g_subprocess_communicate (process, input, cancellable, &output, &errors, &local_error))
    {
      g_set_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_CHECKER,
                   _("The Python checker failed: %s"), local_error->message);
      return NULL;
    }

  out_data = g_bytes_get_data (output, &out_len);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0 ||
      out_len == 0)
    {
      g_autofree char *err_text = NULL;
      gsize err_len = 0;
      const char *err_data = errors ? g_bytes_get_data (errors, &err_len) : NULL;

      err_text = g_utf8_make_valid (err_data ? err_data : "", MIN (err_len, 2000));
      g_set_error (error, WF_FIREWALL_ERROR, WF_FIREWALL_ERROR_CHECKER,
                   _("The Python checker ended without a verdict: %s"),
                   *err_text ? err_text : _("no message"));
      return NULL;
    }

  return wf_verdict_from_json (out_data, out_len, error);
}
