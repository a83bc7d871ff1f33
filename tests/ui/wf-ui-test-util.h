/* wf-ui-test-util.h: helpers shared by the tests that open real windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Turning the main loop, waiting for a condition with a deadline, saving what
 * a widget shows as a PNG, looking widgets up in a tree and removing a
 * temporary directory. Built once as a small static library and linked into
 * every program in tests/ui/.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Turns the default main context for MS milliseconds without blocking, so
 * that frame clock ticks, timeouts and idles all get their turn, as they
 * would while a person looks at the window. */
void wf_ui_test_spin (guint ms);

/* Turns the default main context until COND holds. Once SECONDS have passed
 * the test fails with a message naming COND, rather than hanging until the
 * harness's own timeout kills the whole program. */
#define WF_UI_TEST_WAIT_FOR_SECONDS(cond, seconds) \
  G_STMT_START { \
    guint _wf_seconds = (seconds); \
    gint64 _wf_deadline = g_get_monotonic_time () + (gint64) _wf_seconds * G_USEC_PER_SEC; \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () >= _wf_deadline) \
          { \
            wf_ui_test_wait_timed_out (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, #cond, _wf_seconds); \
            break; \
          } \
        g_main_context_iteration (NULL, FALSE); \
      } \
  } G_STMT_END

/* Ten seconds: plenty for anything that does not go through the sandbox. */
#define WF_UI_TEST_WAIT_FOR(cond) WF_UI_TEST_WAIT_FOR_SECONDS (cond, 10)

/* Reports a WF_UI_TEST_WAIT_FOR_SECONDS that ran out of time; not for direct use. */
void wf_ui_test_wait_timed_out (const char *domain,
                                const char *file,
                                int         line,
                                const char *func,
                                const char *cond,
                                guint       seconds);

/* Renders WIDGET as it is on screen and saves it as DIR/NAME.png (DIR is
 * created), after SETTLE_MS of main loop for transitions to finish. The
 * path goes to the test log so a person can find the picture. */
void wf_ui_test_save_screenshot (GtkWidget  *widget,
                                 const char *dir,
                                 const char *name,
                                 guint       settle_ms);

/* The usual place and pause: <G_TEST_BUILDDIR or .>/test-output/ui/NAME.png,
 * after 400 ms, long enough for stack, flap and leaflet transitions and for
 * toasts to settle. */
void wf_ui_test_screenshot (GtkWidget  *widget,
                            const char *name);

/* For a state that may pass by itself (a progress dialog): the picture is
 * taken at once, or skipped with a message if the widget leaves the screen
 * before it draws. TRUE when a picture was saved. */
gboolean wf_ui_test_try_screenshot (GtkWidget  *widget,
                                    const char *name);

typedef gboolean (*WfUiTestMatch) (GtkWidget     *widget,
                                   gconstpointer  data);

/* The first widget below ROOT (ROOT itself excluded), depth first in child
 * order, for which MATCH returns TRUE; NULL if none. */
GtkWidget *wf_ui_test_find_widget   (GtkWidget     *root,
                                     WfUiTestMatch  match,
                                     gconstpointer  data);
/* The first widget below ROOT carrying CSS_CLASS. */
GtkWidget *wf_ui_test_find_by_class (GtkWidget     *root,
                                     const char    *css_class);
/* The first widget below ROOT that is a TYPE (or a subclass of it). */
GtkWidget *wf_ui_test_find_by_type  (GtkWidget     *root,
                                     GType          type);
/* The first visible GtkLabel below ROOT that shows exactly TEXT. */
GtkWidget *wf_ui_test_find_label    (GtkWidget     *root,
                                     const char    *text);

/* Removes PATH and everything below it. Symbolic links are removed, not
 * followed. Whatever cannot be removed is left quietly: it is a temporary
 * directory, and a failed clean-up must not fail the test that used it. */
void wf_ui_test_rm_rf (const char *path);

/* Loads the app's style.css for the default display. AdwApplication does it
 * by itself; windows made by a test have no application, so without this the
 * screenshots would not look like the app. */
void wf_ui_test_load_app_style (void);

G_END_DECLS
