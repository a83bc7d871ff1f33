/* wf-bench-hooks.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Timings come from the frame clock of the real window, so the bench measures
 * what a person sees: the work between "before-paint" and "after-paint" of
 * each frame while the history list scrolls one step per frame (moved in the
 * "update" phase, so paging in from the store is part of the frame).
 */
#define G_LOG_DOMAIN "wf-bench-hooks"

#include "config.h"

#include "wf-bench-hooks.h"

#include <stdio.h>
#include <stdlib.h>

#include "wf-session-list.h"

#define SCROLL_STEP_PX   240.0
#define MAX_FRAMES       5000
#define SCROLL_START_DELAY_MS 1000

typedef struct
{
  WfWindow          *window;
  GtkScrolledWindow *scroller;
  GdkFrameClock     *clock;
  gint64             frame_start_us;
  double             worst_ms;
  GArray            *frame_ms;
  guint              frames;
  guint              still;
  gulong             before_id;
  gulong             after_id;
  gulong             update_id;
  guint              max_frames;
} Scroll;

static GtkScrolledWindow *
find_scroller (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found;

      if (GTK_IS_SCROLLED_WINDOW (child))
        return GTK_SCROLLED_WINDOW (child);
      if ((found = find_scroller (child)))
        return found;
    }
  return NULL;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Scroll        *scroll)
{
  scroll->frame_start_us = g_get_monotonic_time ();
}

/* One step per frame in the update phase, where kinetic scrolling moves the
 * adjustment too: paging in more sessions from the store counts in the frame. */
static void
update_cb (GdkFrameClock *clock,
           Scroll        *scroll)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scroll->scroller);
  double end = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  gtk_adjustment_set_value (adj, MIN (gtk_adjustment_get_value (adj) + SCROLL_STEP_PX, end));
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
finish (Scroll *scroll)
{
  WfSessionList *list = WF_SESSION_LIST (wf_window_get_session_list (scroll->window));
  GApplication *app = g_application_get_default ();

  g_signal_handler_disconnect (scroll->clock, scroll->before_id);
  g_signal_handler_disconnect (scroll->clock, scroll->after_id);
  g_signal_handler_disconnect (scroll->clock, scroll->update_id);
  g_array_sort (scroll->frame_ms, compare_doubles);
  printf ("history_scroll worst_ms %.3f frames %u sessions %u p95_ms %.3f\n",
          scroll->worst_ms, scroll->frames, wf_session_list_get_n_sessions (list),
          scroll->frame_ms->len ? g_array_index (scroll->frame_ms, double, scroll->frame_ms->len * 95 / 100) : 0.0);
  g_array_unref (scroll->frame_ms);
  fflush (stdout);
  if (app != NULL)
    g_application_quit (app);
  g_free (scroll);
}

static void
after_paint_cb (GdkFrameClock *clock,
                Scroll        *scroll)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (scroll->scroller);
  double value = gtk_adjustment_get_value (adj);
  double end = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  if (scroll->frame_start_us > 0)
    {
      double ms = (g_get_monotonic_time () - scroll->frame_start_us) / 1000.0;

      scroll->worst_ms = MAX (scroll->worst_ms, ms);
      g_array_append_val (scroll->frame_ms, ms);
      scroll->frames++;
    }

  /* At the end with nothing more paged in for a few frames: done. */
  if (value >= end - 0.5)
    scroll->still++;
  else
    scroll->still = 0;
  if (scroll->still > 30 || scroll->frames >= scroll->max_frames)
    {
      finish (scroll);
      return;
    }
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_UPDATE);
}

static void
start_scroll (WfWindow *window)
{
  Scroll *scroll = g_new0 (Scroll, 1);

  scroll->window = window;
  scroll->max_frames = MAX_FRAMES;
  scroll->frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  if (g_getenv ("WHATIF_BENCH_SCROLL_FRAMES") != NULL)
    scroll->max_frames = CLAMP (atoi (g_getenv ("WHATIF_BENCH_SCROLL_FRAMES")), 10, MAX_FRAMES);
  scroll->scroller = find_scroller (wf_window_get_session_list (window));
  scroll->clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  if (scroll->scroller == NULL || scroll->clock == NULL)
    {
      printf ("history_scroll error no-list\n");
      g_array_unref (scroll->frame_ms);
      g_application_quit (g_application_get_default ());
      g_free (scroll);
      return;
    }
  scroll->before_id = g_signal_connect (scroll->clock, "before-paint", G_CALLBACK (before_paint_cb), scroll);
  scroll->after_id = g_signal_connect (scroll->clock, "after-paint", G_CALLBACK (after_paint_cb), scroll);
  scroll->update_id = g_signal_connect (scroll->clock, "update", G_CALLBACK (update_cb), scroll);
  gdk_frame_clock_request_phase (scroll->clock, GDK_FRAME_CLOCK_PHASE_UPDATE);
}

static void
start_scroll_cb (gpointer data)
{
  g_autoptr(WfWindow) window = data;

  start_scroll (window);
}

gboolean
wf_bench_hooks_first_frame (WfWindow *window)
{
  g_return_val_if_fail (WF_IS_WINDOW (window), FALSE);

  if (g_strcmp0 (g_getenv ("WHATIF_BENCH_FIRST_FRAME"), "1") == 0)
    {
      /* Monotonic clock, the same the spawning bench reads. */
      printf ("first_frame_ms %.3f\n", g_get_monotonic_time () / 1000.0);
      fflush (stdout);
      g_application_quit (g_application_get_default ());
      return TRUE;
    }
  if (g_strcmp0 (g_getenv ("WHATIF_BENCH_HISTORY_SCROLL"), "1") == 0)
    {
      /* A person starts scrolling a moment after the window appears; the
       * work right after the first frame (sandbox warm-up, the next history
       * page) is start-up, which app.first_frame measures, not scrolling. */
      g_timeout_add_once (SCROLL_START_DELAY_MS, start_scroll_cb, g_object_ref (window));
      return TRUE;
    }
  return FALSE;
}
