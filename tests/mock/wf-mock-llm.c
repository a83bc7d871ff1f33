/* wf-mock-llm.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-mock-llm"

#include "config.h"

#include <string.h>

#include "wf-mock-llm.h"

WfMockLlm *
wf_mock_llm_new (WfMockServer *server,
                 int           flavour)
{
  WfMockLlm *mock = g_new0 (WfMockLlm, 1);

  mock->server = server;
  mock->flavour = flavour;
  g_mutex_init (&mock->mutex);
  g_queue_init (&mock->cases);

  return mock;
}

void
wf_mock_llm_free (WfMockLlm *mock)
{
  if (mock == NULL)
    return;
  g_queue_clear (&mock->cases);
  g_mutex_clear (&mock->mutex);
  g_free (mock);
}

void
wf_mock_llm_push (WfMockLlm  *mock,
                  WfMockCase  mock_case)
{
  g_mutex_lock (&mock->mutex);
  g_queue_push_tail (&mock->cases, GINT_TO_POINTER (mock_case));
  g_mutex_unlock (&mock->mutex);
}

guint
wf_mock_llm_get_hits (WfMockLlm *mock)
{
  guint hits;

  g_mutex_lock (&mock->mutex);
  hits = mock->hits;
  g_mutex_unlock (&mock->mutex);

  return hits;
}

WfMockCase
wf_mock_llm_next (WfMockLlm *mock)
{
  WfMockCase ret = WF_MOCK_OK;

  g_mutex_lock (&mock->mutex);
  mock->hits++;
  if (!g_queue_is_empty (&mock->cases))
    ret = GPOINTER_TO_INT (g_queue_pop_head (&mock->cases));
  g_mutex_unlock (&mock->mutex);

  return ret;
}

void
wf_mock_reply_raw (SoupServerMessage *msg,
                   const char        *raw)
{
  g_autoptr(GIOStream) io = soup_server_message_steal_connection (msg);

  g_output_stream_write_all (g_io_stream_get_output_stream (io), raw, strlen (raw),
                             NULL, NULL, NULL);
  g_io_stream_close (io, NULL, NULL);
}

typedef struct
{
  SoupServerMessage *msg;
  char              *comment;
  GSource           *source;
  gulong             finished_id;
} Keepalive;

static void
keepalive_stop (Keepalive *ka)
{
  if (ka->source)
    {
      g_source_destroy (ka->source);
      g_source_unref (ka->source);
      ka->source = NULL;
    }
}

static void
keepalive_free (gpointer data)
{
  Keepalive *ka = data;

  keepalive_stop (ka);
  g_free (ka->comment);
  g_free (ka);
}

static gboolean
keepalive_tick (gpointer data)
{
  Keepalive *ka = data;
  SoupMessageBody *body = soup_server_message_get_response_body (ka->msg);

  soup_message_body_append (body, SOUP_MEMORY_COPY, ka->comment, strlen (ka->comment));
  soup_server_message_unpause (ka->msg);

  return G_SOURCE_CONTINUE;
}

static void
keepalive_finished_cb (SoupServerMessage *msg,
                       gpointer           data)
{
  keepalive_stop (data);
}

void
wf_mock_reply_keepalive (WfMockServer      *server,
                         SoupServerMessage *msg,
                         const char        *comment)
{
  Keepalive *ka = g_new0 (Keepalive, 1);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  ka->msg = msg;
  ka->comment = g_strdup (comment);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  keepalive_tick (ka);
  ka->source = g_timeout_source_new (50);
  g_source_set_callback (ka->source, keepalive_tick, ka, NULL);
  g_source_attach (ka->source, wf_mock_server_get_context (server));
  /* The message owns the timer: it stops when the client goes away. */
  g_signal_connect (msg, "finished", G_CALLBACK (keepalive_finished_cb), ka);
  g_signal_connect (msg, "disconnected", G_CALLBACK (keepalive_finished_cb), ka);
  g_object_set_data_full (G_OBJECT (msg), "wf-mock-keepalive", ka, keepalive_free);
}

void
wf_mock_reply_never (SoupServerMessage *msg)
{
  /* Paused with no status: libsoup keeps the connection open until the
   * client gives up or the server is torn down. */
  soup_server_message_pause (msg);
}

void
wf_mock_reply_oversize (SoupServerMessage *msg,
                        gboolean           chunked)
{
  gsize size = 5 * 1024 * 1024;
  char *data = g_malloc (size);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  /* A valid JSON string, so only the size can be the reason to refuse it. */
  memset (data, 'a', size);
  data[0] = '"';
  data[size - 1] = '"';
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "application/json", NULL);
  if (chunked)
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_TAKE,
                            data, size);
  if (chunked)
    soup_message_body_complete (soup_server_message_get_response_body (msg));
}

JsonNode *
wf_mock_parse_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) flat = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (flat, &len);

  if (data == NULL || !json_parser_load_from_data (parser, data, (gssize) len, NULL))
    return NULL;

  return json_node_copy (json_parser_get_root (parser));
}
