/* wf-mock-server.h: an in-process HTTP server for the http suite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer listening on 127.0.0.1 (a random port) in its own thread with its
 * own GMainContext, so that both async clients on the test's main context and
 * blocking clients on worker threads can talk to it. Handlers run on the
 * server's thread. Every request is recorded, so privacy tests can assert that
 * nothing was sent.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _WfMockServer WfMockServer;

typedef struct
{
  char       *method;
  char       *path;
  char       *query;
  GBytes     *body;
  SoupMessageHeaders *headers;   /* a copy */
} WfMockRequest;

WfMockServer *wf_mock_server_new           (void);
void          wf_mock_server_free          (WfMockServer            *server);
/* "http://127.0.0.1:PORT" without a trailing slash. */
const char   *wf_mock_server_get_url       (WfMockServer            *server);
/* Registers a handler for a path prefix (see soup_server_add_handler). It is
 * called on the server thread. */
void          wf_mock_server_add_handler   (WfMockServer            *server,
                                            const char              *path,
                                            SoupServerCallback       callback,
                                            gpointer                 user_data,
                                            GDestroyNotify           destroy);
/* Main context of the server thread, for g_main_context_invoke /
 * g_timeout_source attachment when a handler pauses a message. */
GMainContext *wf_mock_server_get_context   (WfMockServer            *server);
/* Thread-safe snapshot of every request received, oldest first.
 * (element-type WfMockRequest) (transfer full) */
GPtrArray    *wf_mock_server_dup_requests  (WfMockServer            *server);
guint         wf_mock_server_count_requests (WfMockServer           *server);
void          wf_mock_server_clear_requests (WfMockServer           *server);

void          wf_mock_request_free         (WfMockRequest           *request);

/* Helpers for handlers. */
void          wf_mock_reply_json           (SoupServerMessage       *msg,
                                            guint                    status,
                                            const char              *json);
/* Sends headers and a text/event-stream body made of `events` (each already
 * formatted with "data: …\n\n"), then ends the message normally. */
void          wf_mock_reply_sse            (SoupServerMessage       *msg,
                                            const char * const      *events);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfMockServer, wf_mock_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfMockRequest, wf_mock_request_free)

G_END_DECLS
