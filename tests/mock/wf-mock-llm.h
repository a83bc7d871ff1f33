/* wf-mock-llm.h: what the model-server mocks can be told to do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A mock answers each request with the next queued case (success once the
 * queue is empty). Cases follow the "For the mock server" tables of
 * provider-apis.md; each wire format renders them in its own shape.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "wf-mock-server.h"

G_BEGIN_DECLS

typedef enum
{
  WF_MOCK_OK,                  /* stream or not, as the request asks */
  WF_MOCK_ERROR_IN_200,        /* error object inside a 200, no choices */
  WF_MOCK_EMPTY,               /* choices [] / content [] / content "" */
  WF_MOCK_THINKING_ONLY,       /* Cohere: only a thinking block */
  WF_MOCK_CONTENT_FILTER,      /* finish_reason content_filter */
  WF_MOCK_NOT_JSON,            /* 200 with a body that is not JSON */
  WF_MOCK_TRUNCATED_BODY,      /* Content-Length says more than is sent, then close */
  WF_MOCK_STREAM_ERROR_CHUNK,  /* two deltas, then an error chunk / event */
  WF_MOCK_STREAM_CUT,          /* two deltas, then the socket closes */
  WF_MOCK_STREAM_KEEPALIVE,    /* headers, then only comments, forever */
  WF_MOCK_SLOW,                /* reads the request, never answers */
  WF_MOCK_OVERSIZE,            /* 5 MiB body with a Content-Length */
  WF_MOCK_OVERSIZE_CHUNKED,    /* 5 MiB body, chunked, no length */
  WF_MOCK_401,
  WF_MOCK_402,
  WF_MOCK_403_MODERATION,
  WF_MOCK_429,                 /* Retry-After: 2 */
  WF_MOCK_429_DATE,            /* Retry-After as an HTTP date 2 s ahead */
  WF_MOCK_500,
  WF_MOCK_502,
  WF_MOCK_503,
  WF_MOCK_NO_CODE,             /* a fine answer that holds no code ("Sure! Here is the code:") */
} WfMockCase;

typedef struct _WfMockLlm WfMockLlm;

void        wf_mock_llm_push        (WfMockLlm         *mock,
                                     WfMockCase         mock_case);
guint       wf_mock_llm_get_hits    (WfMockLlm         *mock);

/* Shared by the wire-format handlers. */
struct _WfMockLlm
{
  WfMockServer *server;
  GMutex        mutex;
  GQueue        cases;
  guint         hits;
  guint         generation_asks;
  int           flavour;
};

WfMockLlm  *wf_mock_llm_new          (WfMockServer      *server,
                                      int                flavour);
void        wf_mock_llm_free         (WfMockLlm         *mock);
WfMockCase  wf_mock_llm_next         (WfMockLlm         *mock);
/* Writes @raw on the stolen connection and closes it: for answers a
 * well-behaved server would never send (cut bodies, cut streams). */
void        wf_mock_reply_raw        (SoupServerMessage *msg,
                                      const char        *raw);
/* Headers now, then @comment every 50 ms until the client goes away. */
void        wf_mock_reply_keepalive  (WfMockServer      *server,
                                      SoupServerMessage *msg,
                                      const char        *comment);
void        wf_mock_reply_never      (SoupServerMessage *msg);
void        wf_mock_reply_oversize   (SoupServerMessage *msg,
                                      gboolean           chunked);
JsonNode   *wf_mock_parse_body       (SoupServerMessage *msg);

G_END_DECLS
