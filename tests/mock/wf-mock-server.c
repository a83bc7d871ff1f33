/* wf-mock-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-mock-server"

#include "config.h"

#include <string.h>

#include "wf-mock-server.h"

struct _WfMockServer
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;
  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
  GPtrArray    *requests;
};

void
wf_mock_request_free (WfMockRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_pointer (&request->headers, soup_message_headers_unref);
  g_free (request);
}

static void
copy_header (const char *name,
             const char *value,
             gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
}

static void
request_read_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  WfMockServer *self = user_data;
  WfMockRequest *request = g_new0 (WfMockRequest, 1);
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) flat = soup_message_body_flatten (body);

  request->method = g_strdup (soup_server_message_get_method (msg));
  request->path = g_strdup (g_uri_get_path (uri));
  request->query = g_strdup (g_uri_get_query (uri));
  request->body = g_bytes_ref (flat);
  request->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_foreach (soup_server_message_get_request_headers (msg),
                                copy_header, request->headers);

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->requests, request);
  g_mutex_unlock (&self->mutex);
}

static gpointer
server_thread (gpointer data)
{
  WfMockServer *self = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);

  self->server = soup_server_new ("server-header", "whatif-mock", NULL);
  g_signal_connect (self->server, "request-read", G_CALLBACK (request_read_cb), self);
  g_signal_connect (self->server, "request-finished", G_CALLBACK (request_finished_cb), self);

  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("mock server cannot listen: %s", error->message);

  uris = soup_server_get_uris (self->server);
  {
    g_autofree char *s = g_uri_to_string (uris->data);
    gsize len = strlen (s);
    if (len > 0 && s[len - 1] == '/')
      s[len - 1] = '\0';
    self->url = g_steal_pointer (&s);
  }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&self->mutex);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Let pending finalizers of connections run on this context. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

WfMockServer *
wf_mock_server_new (void)
{
  WfMockServer *self = g_new0 (WfMockServer, 1);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_mock_request_free);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("mock-server", server_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  return self;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
wf_mock_server_free (WfMockServer *self)
{
  if (self == NULL)
    return;

  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_free (self->url);
  g_ptr_array_unref (self->requests);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

const char *
wf_mock_server_get_url (WfMockServer *self)
{
  return self->url;
}

GMainContext *
wf_mock_server_get_context (WfMockServer *self)
{
  return self->context;
}

typedef struct
{
  WfMockServer       *self;
  char               *path;
  SoupServerCallback  callback;
  gpointer            user_data;
  GDestroyNotify      destroy;
  GMutex              mutex;
  GCond               cond;
  gboolean            done;
} AddHandler;

static gboolean
add_handler_in_thread (gpointer data)
{
  AddHandler *add = data;

  soup_server_add_handler (add->self->server, add->path, add->callback,
                           add->user_data, add->destroy);
  g_mutex_lock (&add->mutex);
  add->done = TRUE;
  g_cond_signal (&add->cond);
  g_mutex_unlock (&add->mutex);

  return G_SOURCE_REMOVE;
}

void
wf_mock_server_add_handler (WfMockServer       *self,
                            const char         *path,
                            SoupServerCallback  callback,
                            gpointer            user_data,
                            GDestroyNotify      destroy)
{
  AddHandler add = { self, (char *) path, callback, user_data, destroy };

  g_mutex_init (&add.mutex);
  g_cond_init (&add.cond);
  g_main_context_invoke (self->context, add_handler_in_thread, &add);
  g_mutex_lock (&add.mutex);
  while (!add.done)
    g_cond_wait (&add.cond, &add.mutex);
  g_mutex_unlock (&add.mutex);
  g_mutex_clear (&add.mutex);
  g_cond_clear (&add.cond);
}

GPtrArray *
wf_mock_server_dup_requests (WfMockServer *self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_mock_request_free);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->requests->len; i++)
    {
      WfMockRequest *r = g_ptr_array_index (self->requests, i);
      WfMockRequest *c = g_new0 (WfMockRequest, 1);

      c->method = g_strdup (r->method);
      c->path = g_strdup (r->path);
      c->query = g_strdup (r->query);
      c->body = r->body ? g_bytes_ref (r->body) : NULL;
      c->headers = soup_message_headers_ref (r->headers);
      g_ptr_array_add (copy, c);
    }
  g_mutex_unlock (&self->mutex);

  return copy;
}

guint
wf_mock_server_count_requests (WfMockServer *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->requests->len;
  g_mutex_unlock (&self->mutex);

  return n;
}

void
wf_mock_server_clear_requests (WfMockServer *self)
{
  g_mutex_lock (&self->mutex);
  g_ptr_array_set_size (self->requests, 0);
  g_mutex_unlock (&self->mutex);
}

void
wf_mock_reply_json (SoupServerMessage *msg,
                    guint              status,
                    const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    json, strlen (json));
}

void
wf_mock_reply_sse (SoupServerMessage  *msg,
                   const char * const *events)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                         "text/event-stream", NULL);
  for (guint i = 0; events[i] != NULL; i++)
    soup_message_body_append (body, SOUP_MEMORY_COPY, events[i], strlen (events[i]));
  soup_message_body_complete (body);
}
