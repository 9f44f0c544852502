// SPDX-License-Identifier: Apache-2.0
#include "cursor.h"

#include <errno.h>
#include <string.h>

int nd_cur_take(struct nd_cursor *c, size_t n, const uint8_t **ret)
{
	if (n > c->size - c->offset)
		return -EBADMSG;
	*ret = c->buf + c->offset;
	c->offset += n;
	return 0;
}

int nd_cur_read(struct nd_cursor *c, void *out, size_t n)
{
	const uint8_t *p;
	int r = nd_cur_take(c, n, &p);

	if (r < 0)
		return r;
	if (out && n)
		memcpy(out, p, n);
	return 0;
}

/* The next @n (at most 8) bytes as a big-endian number. */
static int read_be(struct nd_cursor *c, size_t n, uint64_t *ret)
{
	const uint8_t *p;
	uint64_t v = 0;
	int r = nd_cur_take(c, n, &p);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	*ret = v;
	return 0;
}

int nd_cur_u8(struct nd_cursor *c, uint8_t *ret)
{
	return nd_cur_read(c, ret, 1);
}

int nd_cur_u16(struct nd_cursor *c, uint16_t *ret)
{
	uint64_t v;
	int r = read_be(c, 2, &v);

	if (r == 0)
		*ret = (uint16_t)v;
	return r;
}

int nd_cur_u32(struct nd_cursor *c, uint32_t *ret)
{
	uint64_t v;
	int r = read_be(c, 4, &v);

	if (r == 0)
		*ret = (uint32_t)v;
	return r;
}

int nd_cur_write(struct nd_wcursor *w, const void *data, size_t n)
{
	if (n > w->size - w->offset) {
		w->overflow = true;
		return -ENOSPC;
	}
	if (n)
		memcpy(w->buf + w->offset, data, n);
	w->offset += n;
	return 0;
}

/* @v as @n (at most 8) big-endian bytes. */
static int write_be(struct nd_wcursor *w, uint64_t v, size_t n)
{
	uint8_t b[8];

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return nd_cur_write(w, b, n);
}

int nd_cur_put_u8(struct nd_wcursor *w, uint8_t v)
{
	return nd_cur_write(w, &v, 1);
}

int nd_cur_put_u16(struct nd_wcursor *w, uint16_t v)
{
	return write_be(w, v, 2);
}

int nd_cur_put_u32(struct nd_wcursor *w, uint32_t v)
{
	return write_be(w, v, 4);
}
