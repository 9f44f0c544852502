/* SPDX-License-Identifier: Apache-2.0 */
/* Every epoll registration's data points at a struct starting with struct ev. */
#pragma once

enum ev_kind {
	EV_UDP,
	EV_TCP_LISTEN,
	EV_TCP_CONN,
	EV_SIGNAL,
	EV_ARES,
};

struct ev {
	enum ev_kind kind;
};
