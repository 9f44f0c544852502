/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kinds of plan steps. The plan (core/plan.h) orders them; the driver
 * table (drivers/driver.h) says which ones each driver needs, so the kinds
 * live here, below both.
 */
#pragma once

enum step_kind {
	STEP_LOOPBACK,		/* container lo up */
	STEP_BRIDGE,		/* find or create the bridge, sysctls, gateways */
	STEP_VETH,		/* veth pair, peer in the container */
	STEP_ADDRESSES,		/* container addresses, interface up */
	STEP_ROUTES,		/* default and static routes */
	STEP_MACVLAN,		/* macvlan link on the parent, straight into the container */
	STEP_IPVLAN,		/* ipvlan link on the parent, straight into the container */
	STEP_PLUGIN,		/* external driver plugin: "setup NETNS" */
	STEP_FIREWALL,		/* firewall rules of all attachments, one transaction */
	STEP_DNS,		/* DNS entries, start or reload the DNS server */
	STEP_STATE,		/* state record in the config dir */
	STEP_DHCP,		/* ipam dhcp: lease, address, default route (dhcp-setup.c) */
};
