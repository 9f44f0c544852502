/* SPDX-License-Identifier: Apache-2.0 */
/* The topology as Graphviz DOT (admin-dot.c). */
#pragma once

#include <stdio.h>

#include "admin-attstore.h"
#include "admin-live.h"
#include "admin-netstore.h"

/* The topology as Graphviz DOT on @f: networks, attachments, ports, reachability. */
int admin_print_dot(const struct admin_nets *nets, const struct admin_atts *atts,
		    const struct admin_live *live, FILE *f);
