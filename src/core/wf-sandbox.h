/* wf-sandbox.h: the interface every sandbox backend implements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A backend runs one job (Python or SQL code, a policy check, or a CSV import)
 * through the runner protocol and returns a WfRunResult. Nothing ever runs
 * unsandboxed: a backend that cannot isolate the code refuses the job.
 *
 * The run vfunc is synchronous and may block for as long as the job's wall
 * limit: the pipeline calls it from its worker thread. wf_sandbox_run_async()
 * wraps it in a GTask for callers on the main thread.
 */
#pragma once

#include <gio/gio.h>

#include "wf-types.h"

G_BEGIN_DECLS

#define WF_SANDBOX_ERROR (wf_sandbox_error_quark ())
GQuark wf_sandbox_error_quark (void);

typedef enum
{
  WF_SANDBOX_ERROR_UNAVAILABLE,   /* no usable backend; the message says how to fix it */
  WF_SANDBOX_ERROR_PROTOCOL,      /* the runner said something malformed */
  WF_SANDBOX_ERROR_SPAWN,
  WF_SANDBOX_ERROR_REMOTE,        /* e2b: HTTP or service failure */
  WF_SANDBOX_ERROR_CANCELLED,
  WF_SANDBOX_ERROR_INVALID,
} WfSandboxError;

typedef struct
{
  gint64 wall_ms;           /* 30 000 */
  gint64 cpu_ms;            /* 20 000 */
  gint64 memory_bytes;      /* address space, 1 GiB */
  gint64 open_files;        /* 256 */
  gint64 file_size_bytes;   /* 64 MiB */
  gint64 output_bytes;      /* stdout + stderr, 1 MiB */
  gint64 table_rows;        /* 100 000 */
  gint64 tmpfs_bytes;       /* work dir size, 64 MiB */
  gint64 tmpfs_inodes;      /* work dir inodes, 4096 */
} WfLimits;

void wf_limits_init_defaults (WfLimits *limits);

typedef enum
{
  WF_JOB_RUN,               /* execute code */
  WF_JOB_CHECK,             /* policy verdict only; result->verdict_json */
  WF_JOB_IMPORT,            /* CSV import into the workbook (issue: your own numbers) */
  WF_JOB_SWEEP,             /* run the code once per point of sweep_json, one table back */
} WfJobKind;

typedef struct
{
  WfJobKind   kind;
  char       *id;
  char       *language;       /* python | sql */
  char       *code;
  WfLimits    limits;
  GHashTable *overrides;      /* (element-type utf8 double*): wf.param label → value */
  gboolean    policy;         /* static check + audit hook before running (the firewall) */
  char       *workbook_path;  /* nullable: mounted read-only for wf.load and SQL */
  GPtrArray  *datasets;       /* (element-type WfDataset), nullable */
  char       *import_path;    /* WF_JOB_IMPORT: the CSV file, mounted read-only */
  char       *import_name;
  /* WF_JOB_SWEEP: {"labels":[…], "points":[[…]…], "metrics":[…]}; the runner
   * answers with one table "sweep" of the labels' values and the metrics. */
  char       *sweep_json;
} WfJob;

WfJob *wf_job_new              (WfJobKind   kind,
                                const char *language,
                                const char *code);
void   wf_job_set_override     (WfJob      *job,
                                const char *label,
                                double      value);
void   wf_job_free             (WfJob      *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WfJob, wf_job_free)

/* Progress from a running job (import percentages, log lines), called on the
 * thread that runs the job. */
typedef void (*WfSandboxProgressFunc) (const char *message,
                                       double      fraction,
                                       gpointer    user_data);

#define WF_TYPE_SANDBOX (wf_sandbox_get_type ())
G_DECLARE_INTERFACE (WfSandbox, wf_sandbox, WF, SANDBOX, GObject)

struct _WfSandboxInterface
{
  GTypeInterface parent_iface;

  const char  *(*get_name)     (WfSandbox              *self);
  gboolean     (*is_available) (WfSandbox              *self,
                                GError                **error);
  WfRunResult *(*run)          (WfSandbox              *self,
                                const WfJob            *job,
                                WfSandboxProgressFunc   progress,
                                gpointer                progress_data,
                                GCancellable           *cancellable,
                                GError                **error);
  /* Optional: start the warm zygote now (after the first frame). */
  void         (*warm_up)      (WfSandbox              *self);
};

const char  *wf_sandbox_get_name     (WfSandbox              *self);
gboolean     wf_sandbox_is_available (WfSandbox              *self,
                                      GError                **error);
WfRunResult *wf_sandbox_run          (WfSandbox              *self,
                                      const WfJob            *job,
                                      WfSandboxProgressFunc   progress,
                                      gpointer                progress_data,
                                      GCancellable           *cancellable,
                                      GError                **error);
void         wf_sandbox_warm_up      (WfSandbox              *self);
void         wf_sandbox_run_async    (WfSandbox              *self,
                                      WfJob                  *job,    /* (transfer full) */
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data);
WfRunResult *wf_sandbox_run_finish   (WfSandbox              *self,
                                      GAsyncResult           *result,
                                      GError                **error);

/* The backend for this environment: "flatpak" inside a Flatpak, else the
 * name given ("bwrap" | "e2b"), else the WHATIF_SANDBOX environment variable,
 * else bwrap. Returns NULL with WF_SANDBOX_ERROR_UNAVAILABLE and a message that
 * says what to install when none can run. (transfer full) */
WfSandbox   *wf_sandbox_get_default  (const char             *name,
                                      GError                **error);

/* Where the runner lives: $WHATIF_RUNNER_DIR, else the source tree in an
 * uninstalled build, else PKGDATADIR/runner. */
const char  *wf_sandbox_get_runner_dir (void);

G_END_DECLS
