/*
 * dma.h - the PC/AT's two Intel 8237A DMA controllers with their page
 * registers (see dma.c).
 */
#ifndef LAB86_DMA_H
#define LAB86_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "devfield.h"

/* The AT's wiring, fixed by the board: DMA1 (channels 0-3, byte transfers)
 * at 0x00-0x0F; the page registers at 0x80-0x8F; DMA2 (channels 4-7, word
 * transfers; channel 4 cascades DMA1) on the even ports 0xC0-0xDE. */
#define DMA_PORT_DMA1   0x00
#define DMA_NPORTS_DMA1 16
#define DMA_PORT_PAGE   0x80
#define DMA_NPORTS_PAGE 16
#define DMA_PORT_DMA2   0xc0
#define DMA_NPORTS_DMA2 32
#define DMA_CHANNELS    8
#define DMA_CH_FLOPPY   2 /* the floppy controller's channel */
#define DMA_CH_CASCADE  4 /* DMA2's input from DMA1 */

struct dma;

/* Put both controllers and the page registers on the bus, in their reset
 * state (every channel masked). Returns NULL when out of memory or when the
 * bus's port table has no room for the three ranges. */
struct dma *dma_create(struct bus *b);
void dma_destroy(struct dma *d);

/* The power-on state: a master clear of both controllers (every channel
 * masked; command, status, request and flip-flops cleared), and the channels'
 * address, count, mode and page registers and the POST code byte all 0. */
void dma_reset(struct dma *d);

/* Device side (the floppy controller, a sound card): move up to len bytes
 * between buf and guest memory on channel 0-7 as the guest programmed it:
 * from its page and current address, incrementing or decrementing, counting
 * down to terminal count, where it stops (and reloads if autoinitialize is
 * set, else masks the channel). to_memory: the device writes (the channel
 * should be in "write" mode); otherwise it reads ("read" mode). A channel in
 * verify mode, or whose mode does not match the direction, runs its counters
 * without touching memory (a reading device then gets 0xFF bytes). Channels
 * 4-7 move 16-bit words: len is rounded down to an even number. Memory
 * beyond RAM is never touched: writes there are dropped and reads give all
 * ones. Returns the number of bytes moved; 0 when the channel is not ready. */
int dma_transfer(struct dma *d, int channel, uint8_t *buf, int len, bool to_memory);

/* Whether channel 0-7 would serve a request now: its controller enabled,
 * the channel unmasked and not in cascade mode. */
bool dma_channel_ready(const struct dma *d, int channel);

/* Whether the last dma_transfer() on channel 0-7 ended at terminal count
 * (the TC signal a device such as the floppy controller stops on). */
bool dma_terminal_count(const struct dma *d, int channel);

/* Describe the device as "dma" (POST code and scratch ports), "dma.ctrl1",
 * "dma.ctrl2" and "dma.ch0".."dma.ch7" in out[0..max). Returns how many
 * entries were written (11 when max >= 11). */
size_t dma_devinfo(struct dma *d, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void dma_snap(struct dma *d, const char *name, struct snap_region *out);

#endif
