/* wf-session.c: sliding-window conversation context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-session"

#include "config.h"

#include "wf-session.h"

#include <string.h>

#include <glib/gi18n-lib.h>

/* "(4294967295 earlier messages left out to fit the context window.)" and a frame. */
#define DROPPED_NOTE_TOKENS 24

struct _WfSession
{
  GObject        parent_instance;

  gint64         id;
  char          *system_prompt;
  GPtrArray     *messages;        /* (element-type WfChatMessage), without the system prompt */
  gint64         budget;
  gint64         reserve;
  WfIntent       intent;
  WfQueryParams *params;          /* nullable */
};

G_DEFINE_FINAL_TYPE (WfSession, wf_session, G_TYPE_OBJECT)

static void
wf_session_finalize (GObject *object)
{
  WfSession *self = WF_SESSION (object);

  g_clear_pointer (&self->system_prompt, g_free);
  g_clear_pointer (&self->messages, g_ptr_array_unref);
  g_clear_pointer (&self->params, wf_query_params_free);

  G_OBJECT_CLASS (wf_session_parent_class)->finalize (object);
}

static void
wf_session_class_init (WfSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wf_session_finalize;
}

static void
wf_session_init (WfSession *self)
{
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_chat_message_free);
  self->budget = WF_SESSION_TOKEN_BUDGET_DEFAULT;
  self->reserve = WF_SESSION_ANSWER_RESERVE_DEFAULT;
  self->intent = WF_INTENT_NONE;
}

WfSession *
wf_session_new (gint64      id,
                const char *system_prompt)
{
  WfSession *self = g_object_new (WF_TYPE_SESSION, NULL);

  self->id = id;
  self->system_prompt = g_strdup (system_prompt);
  return self;
}

gint64
wf_session_get_id (WfSession *self)
{
  g_return_val_if_fail (WF_IS_SESSION (self), 0);
  return self->id;
}

void
wf_session_set_id (WfSession *self,
                   gint64     id)
{
  g_return_if_fail (WF_IS_SESSION (self));
  self->id = id;
}

const char *
wf_session_get_system_prompt (WfSession *self)
{
  g_return_val_if_fail (WF_IS_SESSION (self), NULL);
  return self->system_prompt;
}

void
wf_session_set_token_budget (WfSession *self,
                             gint64     budget,
                             gint64     reserve)
{
  g_return_if_fail (WF_IS_SESSION (self));

  self->budget = MAX (budget, WF_SESSION_MIN_BUDGET);
  self->reserve = CLAMP (reserve, 0, self->budget / 2);
}

gint64
wf_session_get_token_budget (WfSession *self)
{
  g_return_val_if_fail (WF_IS_SESSION (self), 0);
  return self->budget;
}

gint64
wf_session_get_reserve (WfSession *self)
{
  g_return_val_if_fail (WF_IS_SESSION (self), 0);
  return self->reserve;
}

void
wf_session_add_message (WfSession  *self,
                        const char *role,
                        const char *content)
{
  g_return_if_fail (WF_IS_SESSION (self));
  g_return_if_fail (role != NULL);

  /* The first system message is the prompt the window always keeps. */
  if (g_strcmp0 (role, "system") == 0 && self->system_prompt == NULL && self->messages->len == 0)
    {
      self->system_prompt = g_strdup (content);
      return;
    }
  g_ptr_array_add (self->messages, wf_chat_message_new (role, content));
}

guint
wf_session_get_n_messages (WfSession *self)
{
  g_return_val_if_fail (WF_IS_SESSION (self), 0);
  return self->messages->len;
}

void
wf_session_set_params (WfSession           *self,
                       WfIntent             intent,
                       const WfQueryParams *params)
{
  g_return_if_fail (WF_IS_SESSION (self));

  g_clear_pointer (&self->params, wf_query_params_free);
  self->intent = intent;
  if (params != NULL)
    self->params = wf_query_params_copy (params);
}

const WfQueryParams *
wf_session_get_params (WfSession *self,
                       WfIntent  *out_intent)
{
  g_return_val_if_fail (WF_IS_SESSION (self), NULL);

  if (out_intent != NULL)
    *out_intent = self->intent;
  return self->params;
}

gint64
wf_session_estimate_tokens (const char *role,
                            const char *content)
{
  gint64 bytes = (gint64) strlen (content ? content : "") + (gint64) strlen (role ? role : "");

  return (bytes + 3) / 4 + 4;
}

/* Keeps the start and the end of a text that is too long, within `tokens`. */
static char *
shorten_middle (const char *content,
                gint64      tokens)
{
  static const char marker[] = "\n[…]\n";
  gint64 keep = MAX ((tokens - 4) * 4 - (gint64) strlen (marker) - 8, 0);
  size_t len = strlen (content);
  const char *head_end;
  const char *tail_start;
  GString *out;

  if ((gint64) len <= keep)
    return g_strdup (content);
  /* Cut on character boundaries so the result stays valid UTF-8. */
  head_end = g_utf8_find_prev_char (content, content + keep / 2 + 1);
  tail_start = g_utf8_find_next_char (content + len - keep / 2 - 1, NULL);
  if (head_end == NULL)
    head_end = content;
  if (tail_start == NULL)
    tail_start = content + len;
  out = g_string_new_len (content, head_end - content);
  g_string_append (out, marker);
  g_string_append (out, tail_start);
  return g_string_free (out, FALSE);
}

GPtrArray *
wf_session_build_context (WfSession  *self,
                          const char *question,
                          guint      *out_n_dropped)
{
  GPtrArray *out;
  g_autoptr(GPtrArray) window = NULL;
  g_autofree char *note = NULL;
  g_autofree char *system = NULL;
  gint64 available;
  gint64 used = 0;
  guint n_history;
  guint kept = 0;
  guint dropped;
  int i;

  g_return_val_if_fail (WF_IS_SESSION (self), NULL);

  available = self->budget - self->reserve;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_chat_message_free);
  n_history = self->messages->len;

  /* Without an explicit question, the last user message is the question. */
  if (question == NULL)
    for (i = (int) self->messages->len - 1; i >= 0; i--)
      {
        WfChatMessage *m = g_ptr_array_index (self->messages, i);

        if (g_strcmp0 (m->role, "user") == 0)
          {
            question = m->content;
            n_history = (guint) i;
            break;
          }
      }

  /* The system prompt may use at most half the window; it is normally tiny. */
  if (self->system_prompt != NULL)
    {
      gint64 cost = wf_session_estimate_tokens ("system", self->system_prompt);

      system = cost > available / 2 ? shorten_middle (self->system_prompt, available / 2)
                                    : g_strdup (self->system_prompt);
      used += wf_session_estimate_tokens ("system", system);
    }

  /* Parameters in force: they survive however many turns the window drops. */
  if (self->params != NULL && wf_query_params_count (self->params) > 0)
    {
      g_autofree char *values = wf_query_params_to_string (self->params);

      note = g_strdup_printf ("Parameters in force (%s): %s", wf_intent_to_string (self->intent), values);
      if (used + wf_session_estimate_tokens ("system", note) > available * 3 / 4)
        g_clear_pointer (&note, g_free);
      else
        used += wf_session_estimate_tokens ("system", note);
    }

  /* The question always goes; it is shortened if it alone is too big. */
  if (question != NULL)
    {
      gint64 room = available - used;
      gint64 cost = wf_session_estimate_tokens ("user", question);

      if (cost > room)
        {
          g_autofree char *cut = shorten_middle (question, room);

          window = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_chat_message_free);
          g_ptr_array_add (window, wf_chat_message_new ("user", cut));
          used += wf_session_estimate_tokens ("user", cut);
        }
      else
        {
          window = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_chat_message_free);
          g_ptr_array_add (window, wf_chat_message_new ("user", question));
          used += cost;
        }
    }
  else
    window = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_chat_message_free);

  /* Newest turns first, as long as they fit, leaving room for the line that
   * says how many were left out. */
  for (i = (int) n_history - 1; i >= 0; i--)
    {
      WfChatMessage *m = g_ptr_array_index (self->messages, i);
      gint64 cost = wf_session_estimate_tokens (m->role, m->content);
      gint64 note_room = (i > 0) ? DROPPED_NOTE_TOKENS : 0;

      if (used + cost + note_room > available)
        break;
      g_ptr_array_insert (window, 0, wf_chat_message_new (m->role, m->content));
      used += cost;
      kept++;
    }
  dropped = n_history - kept;

  if (system != NULL)
    g_ptr_array_add (out, wf_chat_message_new ("system", system));
  if (note != NULL || dropped > 0)
    {
      g_autofree char *text = NULL;

      if (dropped > 0)
        text = g_strdup_printf ("%s%s(%u earlier messages left out to fit the context window.)",
                                note ? note : "", note ? "\n" : "", dropped);
      else
        text = g_strdup (note);
      /* The question alone may have taken all the room: then the line goes. */
      if (used - (note ? wf_session_estimate_tokens ("system", note) : 0) +
          wf_session_estimate_tokens ("system", text) > available)
        {
          g_free (text);
          text = g_strdup (note);
        }
      if (text != NULL)
        g_ptr_array_add (out, wf_chat_message_new ("system", text));
    }
  for (i = 0; i < (int) window->len; i++)
    {
      WfChatMessage *m = g_ptr_array_index (window, i);

      g_ptr_array_add (out, wf_chat_message_new (m->role, m->content));
    }

  if (out_n_dropped != NULL)
    *out_n_dropped = dropped;
  return out;
}
