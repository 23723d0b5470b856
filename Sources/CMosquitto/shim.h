#ifndef UTILITY_GATEWAY_CMOSQUITTO_SHIM_H
#define UTILITY_GATEWAY_CMOSQUITTO_SHIM_H
// libmosquitto 2.0.x from Debian's libmosquitto-dev, found through pkg-config (no hard-coded paths).
#include <mosquitto.h>
#include <mqtt_protocol.h>
#endif
