// SPDX-License-Identifier: Apache-2.0
/*
 * The shared bounds-checked cursors (shared/cursor.h) of the DNS and DHCP
 * codecs: big-endian integers both ways, reads and writes that reach the end
 * exactly, ones that would pass it (refused, nothing moved, nothing
 * written, the overflow remembered), and taking bytes in place.
 */
#include <errno.h>
#include <string.h>

#include "shared/cursor.h"
#include "tap.h"

static void test_read(void)
{
	static const uint8_t msg[] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde };
	struct nd_cursor c = { .buf = msg, .size = sizeof(msg) };
	const uint8_t *p = NULL;
	uint8_t b = 0, two[2];
	uint16_t h = 0;
	uint32_t w = 0;

	tap_result(nd_cur_u16(&c, &h) == 0 && h == 0x1234 && c.offset == 2, NULL,
		   "u16 is big-endian and advances 2");
	tap_result(nd_cur_u32(&c, &w) == 0 && w == 0x56789abc && c.offset == 6, NULL,
		   "u32 is big-endian and advances 4");
	tap_result(nd_cur_u16(&c, &h) == -EBADMSG && h == 0x1234 && c.offset == 6, NULL,
		   "u16 past the end: -EBADMSG, nothing read, cursor unchanged");
	tap_result(nd_cur_u32(&c, &w) == -EBADMSG && c.offset == 6, NULL, "u32 past the end");
	tap_result(nd_cur_u8(&c, &b) == 0 && b == 0xde && c.offset == 7, NULL,
		   "u8 reads the last byte");
	tap_result(nd_cur_u8(&c, &b) == -EBADMSG && c.offset == 7, NULL, "u8 at the end");
	tap_result(nd_cur_read(&c, NULL, 0) == 0 && c.offset == 7, NULL,
		   "reading nothing at the end is fine");
	c.offset = 1;
	tap_result(nd_cur_take(&c, 6, &p) == 0 && p == msg + 1 && c.offset == 7, NULL,
		   "take: bytes in place, up to the end exactly");
	c.offset = 1;
	p = NULL;
	tap_result(nd_cur_take(&c, 7, &p) == -EBADMSG && !p && c.offset == 1, NULL,
		   "take past the end: refused, pointer not written");
	tap_result(nd_cur_read(&c, NULL, 3) == 0 && c.offset == 4, NULL, "skip with a NULL target");
	tap_result(nd_cur_read(&c, two, 2) == 0 && two[0] == 0x9a && two[1] == 0xbc, NULL,
		   "read copies");
	tap_result(nd_cur_read(&c, NULL, SIZE_MAX) == -EBADMSG && c.offset == 6, NULL,
		   "a huge length does not wrap around");
}

static void test_write(void)
{
	uint8_t buf[8];
	struct nd_wcursor w = { .buf = buf, .size = 7 };

	memset(buf, 0xee, sizeof(buf));
	tap_result(nd_cur_put_u16(&w, 0x1234) == 0 && nd_cur_put_u32(&w, 0x56789abc) == 0 &&
		   w.offset == 6 && !w.overflow, NULL, "put u16, u32");
	tap_result(nd_cur_put_u16(&w, 0xffff) == -ENOSPC && w.offset == 6 && w.overflow &&
		   buf[6] == 0xee, NULL, "a write past the end: -ENOSPC, nothing written, overflow set");
	tap_result(nd_cur_put_u8(&w, 0xde) == 0 && w.offset == 7 && w.overflow, NULL,
		   "a smaller write still fits; the overflow stays remembered");
	tap_result(nd_cur_put_u32(&w, 1) == -ENOSPC && buf[7] == 0xee, NULL,
		   "nothing is ever written past size");
	tap_result(memcmp(buf, "\x12\x34\x56\x78\x9a\xbc\xde", 7) == 0, NULL,
		   "the bytes are big-endian");
	{
		struct nd_wcursor none = { .buf = NULL, .size = 0 };
		tap_result(nd_cur_write(&none, "", 0) == 0 && !none.overflow &&
			   nd_cur_write(&none, "x", 1) == -ENOSPC && none.overflow, NULL,
			   "an empty buffer takes nothing but empty writes");
	}
}

int main(void)
{
	test_read();
	test_write();
	return tap_finish();
}
