/*
 * tui_impl.h - what the TUI's files share: the state of the whole screen
 * (struct tui), the panes' common interface, and the drawing helpers.
 *
 *   tui.c        the main loop: keys, focus, running the machine, status
 *   tui_layout.c where each pane goes for the terminal's size; titles, tabs
 *   tui_line.c   the command line (GNU readline's callback interface), the
 *                command output log, the help pane, the console buffer
 *   pane_*.c     one pane each: what it shows and the keys it takes
 *
 * Every pane reads the machine through core/debug only (debug.h); the
 * command line hands every line to cmd_exec() (cmd.h) and parses nothing.
 */
#ifndef LAB86_UI_TUI_IMPL_H
#define LAB86_UI_TUI_IMPL_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "debug/debug.h"
#include "cmd.h"
#include "tui.h"

/* The panes, in the order Tab visits them. */
enum pane_id {
    PANE_REGS,
    PANE_DISASM,
    PANE_MEM,
    PANE_STACK,
    PANE_PT,
    PANE_DESC,
    PANE_DEV,
    PANE_TRAPS,
    PANE_CONSOLE,
    PANE_COUNT,
    PANE_NONE = -1 /* the command line has the focus */
};

/* A rectangle of the screen. */
struct area {
    int y, x; /* top left */
    int h, w; /* rows and columns */
};

/* Looks, mapped to a colour pair or (monochrome) an attribute. */
enum tui_style {
    ST_NORMAL,
    ST_TITLE,    /* a pane's title bar */
    ST_FOCUS,    /* the focused pane's name in its title bar */
    ST_CHANGED,  /* a value that changed since the last stop */
    ST_CURRENT,  /* the line of the next instruction (EIP) */
    ST_BREAK,    /* a breakpoint mark */
    ST_CURSOR,   /* a pane's selected line */
    ST_DIM,      /* secondary text: addresses, unreadable bytes, docs */
    ST_STATUS,   /* the status line */
    ST_COUNT
};

struct tui;
struct pane;

/* Draw pane p into a (its title bar is drawn already). */
typedef void pane_draw_fn(struct tui *t, struct pane *p, struct area a);
/* A key pressed while p has the focus; true when p used it. */
typedef bool pane_key_fn(struct tui *t, struct pane *p, int key);

struct pane_class {
    const char *title;  /* exactly as the issue names it */
    pane_draw_fn *draw; /* every redraw */
    pane_key_fn *key;   /* NULL: takes no keys */
};

/* One pane's view state; each pane uses the fields it needs. */
struct pane {
    const struct pane_class *cls; /* what it is */
    struct area area;             /* where it was drawn last (h 0: hidden) */
    int scroll;                   /* first line shown of a scrolling list */
    int cursor;                   /* selected line of the list */
    uint64_t addr;                /* Memory: first byte; Disassembly: first line;
                                     Page tables: the address translated */
    int mode;                     /* pane-specific: Memory's follow register, ... */
    bool flag;                    /* pane-specific: Memory physical, Disassembly pinned */
    uint64_t sel;                 /* Disassembly: the cursor's address (F9) */
    bool addr_set;                /* Page tables: addr was chosen by the user */
    uint32_t expanded[32];        /* Page tables: 1024 bits, directory entries opened */
};

/* A slot of the layout: a rectangle that shows one of several panes. */
struct slot {
    struct area area;        /* title bar included */
    int panes[PANE_COUNT];   /* enum pane_id, the tabs */
    int n;                   /* how many */
    int active;              /* index of the pane shown */
};

#define TUI_MAX_SLOTS 8
#define TUI_LOG_LINES 512    /* command output kept */
#define TUI_LOG_WIDTH 240    /* characters kept a line */
#define TUI_KEYQ 256         /* keys held while the machine runs */
#define TUI_BP_MAX 64        /* breakpoints the Disassembly pane marks */

/* A breakpoint as the command output announced it. */
struct tui_bp {
    int id;        /* the debugger's id */
    uint64_t addr; /* its address as printed (linear) */
};

/* What the guest wrote to its serial port: a ring of bytes. */
struct tui_console {
    struct chardev cd;    /* writes into buf */
    char buf[1 << 16];    /* the last 64 KiB */
    size_t head;          /* bytes ever written (buf index = head % size) */
    uint64_t generation;  /* moves on every write, for redraws */
};

struct tui {
    struct dbg *d;                     /* the debugger (not owned) */
    struct cmd *c;                     /* the command interpreter (not owned) */
    struct tui_console *con;           /* the guest's serial output, or NULL */
    struct cmd_io io;                  /* what cmd_exec() prints through */
    /* The screen. */
    SCREEN *screen;                    /* curses' terminal (newterm) */
    int rows, cols;                    /* the terminal's size */
    bool color;                        /* has_colors() */
    int style[ST_COUNT];               /* attributes of each style */
    struct pane pane[PANE_COUNT];      /* every pane */
    struct slot slot[TUI_MAX_SLOTS];   /* the layout */
    int n_slots;                       /* slots in use */
    struct area log_area, line_area, status_area; /* the command area */
    int focus;                         /* enum pane_id, or PANE_NONE */
    bool help;                         /* the help pane is open */
    int help_scroll;                   /* its first line */
    bool quit;                         /* leave the main loop */
    /* The machine as of the last stop, and the stop before it. */
    struct dbg_cpu_view cpu;           /* now */
    struct dbg_cpu_view prev;          /* at the stop before: highlights */
    bool have_prev;                    /* prev is valid */
    bool running;                      /* a run command is executing */
    bool interrupt;                    /* Ctrl-C or F5 asked to stop the run */
    bool exited;                       /* the guest ended the run (cmd_guest_ended) */
    int exit_status;                   /* then tui_main's return value */
    /* Host timing of the runs (never seen by the machine). */
    uint64_t run_start_ns, last_draw_ns, last_input_ns; /* monotonic clock */
    uint64_t draw_ns;                  /* spent redrawing during the last run */
    uint64_t run_ns;                   /* length of the last run */
    uint64_t run_cycles;               /* cycles it executed */
    /* Keys that arrived while a run executed, for after it. */
    int keyq[TUI_KEYQ];                /* the keys */
    int keyq_n;                        /* how many */
    /* Keys for the guest, typed while the Console pane had the focus. */
    uint8_t guestq[TUI_KEYQ];          /* bytes not yet taken */
    int guestq_n;                      /* how many */
    int keys_to;                       /* where they go: 0 chosen (tui_keys_to_serial), 1
                                          COM1, 2 the keyboard (F2 switches) */
    /* The command output. */
    char log[TUI_LOG_LINES][TUI_LOG_WIDTH]; /* a ring of lines */
    int log_n;                         /* lines ever added */
    int log_scroll;                    /* lines scrolled back from the newest */
    char partial[TUI_LOG_WIDTH];       /* an output line not ended yet */
    /* Breakpoints, for the marks. */
    struct tui_bp bp[TUI_BP_MAX];      /* as announced */
    int n_bp;                          /* how many */
    /* A one-line prompt of a pane (Memory's goto, ...), in the status line. */
    char ask[64];                      /* its question; "" when none is open */
    char answer[128];                  /* what is typed so far */
    void (*ask_done)(struct tui *t, const char *answer); /* called on Enter */
    char message[160];                 /* a one-line note in the status line */
};

/* --- the pane classes (pane_*.c) --- */
extern const struct pane_class pane_regs, pane_disasm, pane_mem, pane_stack, pane_pt,
    pane_desc, pane_dev, pane_traps, pane_console;

/* The Traps pane records events only while shown (pane_traps.c): start
 * or stop its subscription to match, before a run. */
void pane_traps_sync(struct tui *t);
/* Drop its subscription (tui_main() ends). */
void pane_traps_close(struct tui *t);

/* Keep the bytes the Memory pane shows, before a command, so that the
 * ones it changes can be highlighted (pane_mem.c). */
void pane_mem_snapshot(struct tui *t);

/* --- drawing (tui_layout.c) --- */

/* Lay out the panes for t->rows x t->cols. */
void tui_layout(struct tui *t);
/* Draw every visible pane, the command area and the status line. */
void tui_draw(struct tui *t);
/* Print at row r of a (clipped to a's width, the rest of the row blanked). */
void tui_print(struct tui *t, struct area a, int r, enum tui_style s, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The same at column col, without blanking the rest. */
void tui_print_at(struct tui *t, struct area a, int r, int col, enum tui_style s,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Make pane id the one shown in its slot (Tab's focus does this). */
void tui_show_pane(struct tui *t, int id);
/* Keep a list's cursor in view: adjusts p->scroll for h visible lines. */
void tui_scroll_to_cursor(struct pane *p, int h, int n);
/* Up, Down, PgUp, PgDn, Home and End on a list of n lines, h of them
 * visible: true when key was one of them. */
bool tui_list_key(struct pane *p, int key, int h, int n);

/* --- the command line and the log (tui_line.c) --- */

/* Set up readline's callback interface and load the history. */
void tui_line_open(struct tui *t);
/* Save the history and remove the handler. */
void tui_line_close(struct tui *t);
/* Give readline one key (an ncurses key code). */
void tui_line_key(struct tui *t, int key);
/* Is the line being edited empty? */
bool tui_line_empty(void);
/* Throw away the line being edited (Ctrl-C). */
void tui_line_clear(void);
/* Draw the prompt and the line being edited; places the cursor there. */
void tui_line_draw(struct tui *t);
/* Add output text (whole or partial lines) to the log. */
void tui_log(struct tui *t, const char *text);
/* Execute a command line as if typed: echoed, run, the panes updated. */
void tui_exec(struct tui *t, const char *line);
/* The help pane, over the panes' part of the screen. */
void tui_help_draw(struct tui *t, struct area a);

/* --- the main loop (tui.c) --- */

/* The host's monotonic clock in nanoseconds (for redraw pacing only). */
uint64_t tui_now_ns(void);
/* Open a one-line prompt in the status line; done gets the answer. */
void tui_ask(struct tui *t, const char *question, void (*done)(struct tui *t, const char *answer));
/* Is there a breakpoint at linear address lin? Its id, else 0. */
int tui_break_at(struct tui *t, uint64_t lin);
/* Do keys typed in the Console pane go to COM1 (else the keyboard)? */
bool tui_keys_to_serial(struct tui *t);
/* Linear address of CS:EIP now. */
uint64_t tui_pc(const struct tui *t);

#endif
