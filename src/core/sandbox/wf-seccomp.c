/* wf-seccomp.c: seccomp filters compiled with libseccomp, exported as BPF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bwrap deliberately does not compile seccomp rules (bubblewrap#368): it loads
 * a precompiled program from `--seccomp FD`. The deny-list follows Flatpak's
 * (common/flatpak-run.c) with the additions issue 3 asks for. It is a deny-list
 * with default allow, so syscalls of a newer kernel pass until they are added.
 */
#define _GNU_SOURCE 1
#define G_LOG_DOMAIN "wf-seccomp"

#include "config.h"

#include "wf-seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#if WF_HAVE_SECCOMP
#include <seccomp.h>
#endif

G_DEFINE_QUARK (wf-seccomp-error-quark, wf_seccomp_error)

#if WF_HAVE_SECCOMP

typedef struct
{
  const char *name;
  int         err;
} Deny;

/* Both profiles. */
static const Deny common_deny[] = {
  { "syslog", EPERM },
  { "uselib", EPERM },
  { "acct", EPERM },
  { "modify_ldt", EPERM },
  { "quotactl", EPERM },
  { "add_key", EPERM },
  { "keyctl", EPERM },
  { "request_key", EPERM },
  { "move_pages", EPERM },
  { "mbind", EPERM },
  { "get_mempolicy", EPERM },
  { "set_mempolicy", EPERM },
  { "migrate_pages", EPERM },
  { "pivot_root", EPERM },
  { "chroot", EPERM },
  { "ptrace", EPERM },
  { "process_vm_writev", EPERM },
  { "process_vm_readv", EPERM },
  { "perf_event_open", EPERM },
  { "personality", EPERM },
  { "bpf", EPERM },
  { "userfaultfd", EPERM },
  { "kexec_load", EPERM },
  { "kexec_file_load", EPERM },
  { "init_module", EPERM },
  { "finit_module", EPERM },
  { "delete_module", EPERM },
  { "swapon", EPERM },
  { "swapoff", EPERM },
  { "reboot", EPERM },
  { "settimeofday", EPERM },
  { "clock_settime", EPERM },
  { "clock_adjtime", EPERM },
  { "adjtimex", EPERM },
  { "lookup_dcookie", EPERM },
  { "vhangup", EPERM },
  { "io_uring_setup", EPERM },
  { "io_uring_enter", EPERM },
  { "io_uring_register", EPERM },
  /* The new mount API: ENOSYS so that callers fall back (CVE-2021-41133). */
  { "open_tree", ENOSYS },
  { "move_mount", ENOSYS },
  { "fsopen", ENOSYS },
  { "fsconfig", ENOSYS },
  { "fsmount", ENOSYS },
  { "fspick", ENOSYS },
  { "mount_setattr", ENOSYS },
};

/* Only for user code. */
static const Deny job_deny[] = {
  { "unshare", EPERM },
  { "setns", EPERM },
  { "mount", EPERM },
  { "umount", EPERM },
  { "umount2", EPERM },
  { "fork", EPERM },
  { "vfork", EPERM },
  { "execve", EPERM },
  { "execveat", EPERM },
  { "clone3", ENOSYS },          /* glibc falls back to clone, which is filtered below */
  { "sethostname", EPERM },
  { "setdomainname", EPERM },
  { "memfd_secret", EPERM },
};

static gboolean
add_rules (scmp_filter_ctx   ctx,
           const Deny       *list,
           gsize             n,
           GError          **error)
{
  for (gsize i = 0; i < n; i++)
    {
      int nr = seccomp_syscall_resolve_name (list[i].name);
      int r;

      if (nr == __NR_SCMP_ERROR)
        continue;     /* not on this architecture */
      r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (list[i].err), nr, 0);
      if (r < 0)
        {
          g_set_error (error, WF_SECCOMP_ERROR, WF_SECCOMP_ERROR_FAILED,
                       _("Could not add the seccomp rule for %s: %s"),
                       list[i].name, g_strerror (-r));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check (int          r,
       const char  *what,
       GError     **error)
{
  if (r >= 0)
    return TRUE;
  g_set_error (error, WF_SECCOMP_ERROR, WF_SECCOMP_ERROR_FAILED,
               _("Could not build the seccomp filter (%s): %s"), what, g_strerror (-r));
  return FALSE;
}

int
wf_seccomp_export (WfSeccompProfile   profile,
                   GError           **error)
{
  scmp_filter_ctx ctx;
  int fd = -1;
  gboolean ok = FALSE;
  /* Masked to 32 bits: the high half of the ioctl request is ignored by the
   * kernel, so comparing 64 bits would let TIOCSTI through (CVE-2019-10063). */
  const scmp_datum_t mask32 = 0xFFFFFFFFu;

  ctx = seccomp_init (SCMP_ACT_ALLOW);
  if (ctx == NULL)
    {
      g_set_error (error, WF_SECCOMP_ERROR, WF_SECCOMP_ERROR_FAILED,
                   _("Could not initialise libseccomp"));
      return -1;
    }

  /* Also filter the 32-bit ABI so a job cannot switch to it to escape. */
  if (seccomp_arch_native () == SCMP_ARCH_X86_64)
    {
      int r = seccomp_arch_add (ctx, SCMP_ARCH_X86);

      if (r < 0 && r != -EEXIST)
        goto out;
      r = seccomp_arch_add (ctx, SCMP_ARCH_X32);
      if (r < 0 && r != -EEXIST)
        goto out;
    }

  if (!add_rules (ctx, common_deny, G_N_ELEMENTS (common_deny), error))
    goto out;

  if (!check (seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), SCMP_SYS (ioctl), 1,
                                SCMP_A1 (SCMP_CMP_MASKED_EQ, mask32, (scmp_datum_t) TIOCSTI)),
              "TIOCSTI", error))
    goto out;
  if (!check (seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), SCMP_SYS (ioctl), 1,
                                SCMP_A1 (SCMP_CMP_MASKED_EQ, mask32, (scmp_datum_t) TIOCLINUX)),
              "TIOCLINUX", error))
    goto out;

  if (profile == WF_SECCOMP_JOB)
    {
      if (!add_rules (ctx, job_deny, G_N_ELEMENTS (job_deny), error))
        goto out;
      /* clone: threads (CLONE_THREAD) are fine, anything else makes a process. */
      if (!check (seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), SCMP_SYS (clone), 1,
                                    SCMP_A0 (SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)),
                  "clone", error))
        goto out;
    }
  else
    {
      /* The sandbox as a whole may not create user namespaces by clone (only
       * the per-job supervisor's unshare is needed, which the job filter then
       * forbids for user code). */
    }

  fd = memfd_create ("whatif-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, WF_SECCOMP_ERROR, WF_SECCOMP_ERROR_FAILED,
                   _("Could not create a memory file for the seccomp filter: %s"),
                   g_strerror (errno));
      goto out;
    }
  if (!check (seccomp_export_bpf (ctx, fd), "export", error))
    goto out;
  if (lseek (fd, 0, SEEK_SET) < 0)
    {
      g_set_error (error, WF_SECCOMP_ERROR, WF_SECCOMP_ERROR_FAILED,
                   _("Could not rewind the seccomp filter: %s"), g_strerror (errno));
      goto out;
    }
  ok = TRUE;

out:
  if (!ok)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, WF_SECCOMP_ERROR, WF_SECCOMP_ERROR_FAILED,
                     _("Could not build the seccomp filter"));
      if (fd >= 0)
        close (fd);
      fd = -1;
    }
  seccomp_release (ctx);
  return fd;
}

#else /* !WF_HAVE_SECCOMP */

int
wf_seccomp_export (WfSeccompProfile   profile,
                   GError           **error)
{
  g_set_error (error, WF_SECCOMP_ERROR, WF_SECCOMP_ERROR_UNSUPPORTED,
               _("What If was built without libseccomp; install libseccomp-dev and rebuild"));
  return -1;
}

#endif
