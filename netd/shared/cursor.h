/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bounds-checked cursors over a byte buffer, for the wire codecs (DNS in
 * netd-dns, DHCP in netd). Every byte read from or written to a message
 * passes through nd_cur_read() or nd_cur_write(), the only two places that
 * compare a length with what is left; a failed call moves nothing, so a
 * caller can copy a cursor, read a whole item through the copy and keep it
 * only on success. Integers are big-endian on the wire, host order here.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct nd_cursor - reading position in a message
 * @buf:	the message (borrowed)
 * @size:	its length; nothing at or past it is read
 * @offset:	the next byte to read; invariant: @offset <= @size
 */
struct nd_cursor {
	const uint8_t *buf;
	size_t size;
	size_t offset;
};

/**
 * struct nd_wcursor - writing position in a buffer
 * @buf:	the buffer (borrowed)
 * @size:	its capacity; nothing at or past it is written
 * @offset:	the next byte to write; invariant: @offset <= @size
 * @overflow:	set by every write that did not fit, so that a builder may
 *		write a whole message and check once at the end
 */
struct nd_wcursor {
	uint8_t *buf;
	size_t size;
	size_t offset;
	bool overflow;
};

/**
 * nd_cur_read() - copy @n bytes to @out (or skip them when @out is NULL)
 * Return: 0, or -EBADMSG when the message ends first (the cursor is unchanged).
 */
int nd_cur_read(struct nd_cursor *c, void *out, size_t n);
/**
 * nd_cur_take() - the next @n bytes in place, and advance past them
 * @ret:	a pointer into the message (borrowed), written only on success
 * Return: 0, or -EBADMSG (the cursor is unchanged).
 */
int nd_cur_take(struct nd_cursor *c, size_t n, const uint8_t **ret);
/* One byte, a big-endian 16- or 32-bit integer. Return: 0 or -EBADMSG (unchanged). */
int nd_cur_u8(struct nd_cursor *c, uint8_t *ret);
int nd_cur_u16(struct nd_cursor *c, uint16_t *ret);
int nd_cur_u32(struct nd_cursor *c, uint32_t *ret);

/**
 * nd_cur_write() - append @n bytes of @data
 * Return: 0, or -ENOSPC when they do not fit: nothing is written, the offset
 * stays, and @w->overflow is set.
 */
int nd_cur_write(struct nd_wcursor *w, const void *data, size_t n);
/* One byte, a big-endian 16- or 32-bit integer. Return: 0 or -ENOSPC (as above). */
int nd_cur_put_u8(struct nd_wcursor *w, uint8_t v);
int nd_cur_put_u16(struct nd_wcursor *w, uint16_t v);
int nd_cur_put_u32(struct nd_wcursor *w, uint32_t v);
