/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The subcommands main.c dispatches to: the core's (pipeline.h), the
 * firewall's (fw-reload.h) and the admin front end's (admin.h).
 */
#pragma once

#include "admin.h"
#include "fw-reload.h"
#include "pipeline.h"
