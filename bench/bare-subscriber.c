/*
 * bare-subscriber: the broker's own limit, measured with a libmosquitto subscriber that only counts.
 *
 * Usage: bare-subscriber HOST PORT TOPIC QOS EXPECTED_COUNT [PROTOCOL]
 *   PROTOCOL is 311 (default) or 5.
 *
 * Connects with a clean session and TCP_NODELAY, subscribes, counts messages and prints one JSON line
 *   {"messages":N,"seconds":S,"rate":R}
 * measured from the first to the last message, when EXPECTED_COUNT messages have arrived or when no
 * message has come for 3 s after the first one. R is (N - 1) / S: the intervals between messages.
 * Exits 1 if nothing arrives within 60 s. Only for loopback benchmarks.
 *
 * Build: cc -O2 bench/bare-subscriber.c -lmosquitto -o bare-subscriber
 */
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct counter {
	const char *topic;
	int qos;
	long expected;
	long messages;
	double first;
	double last;
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct counter *c = userdata;
	if(rc != 0){
		fprintf(stderr, "bare-subscriber: connection refused: %s\n", mosquitto_connack_string(rc));
		return;
	}
	rc = mosquitto_subscribe(mosq, NULL, c->topic, c->qos);
	if(rc != MOSQ_ERR_SUCCESS){
		fprintf(stderr, "bare-subscriber: subscribe failed: %s\n", mosquitto_strerror(rc));
	}
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *message)
{
	struct counter *c = userdata;
	double t = now_seconds();
	(void)mosq;
	(void)message;
	if(c->messages == 0){
		c->first = t;
	}
	c->last = t;
	c->messages++;
}

static void report(const struct counter *c)
{
	double seconds = c->messages > 0 ? c->last - c->first : 0.0;
	double rate = (c->messages > 1 && seconds > 0.0) ? (double)(c->messages - 1) / seconds : 0.0;
	printf("{\"messages\":%ld,\"seconds\":%.6f,\"rate\":%.1f}\n", c->messages, seconds, rate);
	fflush(stdout);
}

int main(int argc, char *argv[])
{
	struct counter c;
	struct mosquitto *mosq;
	int protocol = MQTT_PROTOCOL_V311;
	int rc;
	double started;

	if(argc < 6){
		fprintf(stderr, "usage: %s HOST PORT TOPIC QOS EXPECTED_COUNT [311|5]\n", argv[0]);
		return 2;
	}
	memset(&c, 0, sizeof(c));
	c.topic = argv[3];
	c.qos = atoi(argv[4]);
	c.expected = atol(argv[5]);
	if(argc > 6 && strcmp(argv[6], "5") == 0){
		protocol = MQTT_PROTOCOL_V5;
	}

	mosquitto_lib_init();
	mosq = mosquitto_new(NULL, true, &c);
	if(!mosq){
		fprintf(stderr, "bare-subscriber: mosquitto_new failed\n");
		return 1;
	}
	mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, protocol);
	mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
	if(protocol == MQTT_PROTOCOL_V5){
		/* Let the broker keep as many QoS 1 messages in flight to us as it is willing to. */
		mosquitto_int_option(mosq, MOSQ_OPT_RECEIVE_MAXIMUM, 65535);
	}
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_message_callback_set(mosq, on_message);

	rc = mosquitto_connect(mosq, argv[1], atoi(argv[2]), 60);
	if(rc != MOSQ_ERR_SUCCESS){
		fprintf(stderr, "bare-subscriber: connect failed: %s\n", mosquitto_strerror(rc));
		return 1;
	}

	started = now_seconds();
	for(;;){
		double t;
		rc = mosquitto_loop(mosq, 100, 1);
		if(rc != MOSQ_ERR_SUCCESS){
			fprintf(stderr, "bare-subscriber: connection error: %s\n", mosquitto_strerror(rc));
			break;
		}
		t = now_seconds();
		if(c.expected > 0 && c.messages >= c.expected){
			break;
		}
		if(c.messages > 0 && t - c.last >= 3.0){
			break;
		}
		if(c.messages == 0 && t - started >= 60.0){
			report(&c);
			return 1;
		}
	}
	report(&c);
	mosquitto_disconnect(mosq);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	return c.messages > 0 ? 0 : 1;
}
