/*
 * bare-publisher: the broker's own limit for one kind of message, measured with a libmosquitto
 * publisher that only publishes (bench/forward: the uplink's batches of readings).
 *
 * Usage: bare-publisher HOST PORT TOPIC QOS COUNT PAYLOAD_FILE [MAX_IN_FLIGHT]
 *
 * Publishes the file's content COUNT times with at most MAX_IN_FLIGHT (default 32, the uplink's
 * window) messages awaiting their PUBACK, TCP_NODELAY, MQTT 5, and prints one JSON line
 *   {"messages":N,"seconds":S,"rate":R}
 * measured from the first publish to the last acknowledgement. Only for loopback benchmarks.
 *
 * Build: cc -O2 bench/bare-publisher.c -lmosquitto -lpthread -o bare-publisher
 */
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static long in_flight = 0;
static long acknowledged = 0;
static int connected = 0;

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	(void)mosq;
	(void)userdata;
	pthread_mutex_lock(&lock);
	connected = rc == 0 ? 1 : -1;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static void on_publish(struct mosquitto *mosq, void *userdata, int mid)
{
	(void)mosq;
	(void)userdata;
	(void)mid;
	pthread_mutex_lock(&lock);
	in_flight--;
	acknowledged++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

int main(int argc, char *argv[])
{
	struct mosquitto *mosq;
	FILE *file;
	char *payload;
	long size, count, window, i;
	int qos, rc;
	double started, seconds;

	if(argc < 7){
		fprintf(stderr, "usage: %s HOST PORT TOPIC QOS COUNT PAYLOAD_FILE [MAX_IN_FLIGHT]\n", argv[0]);
		return 2;
	}
	qos = atoi(argv[4]);
	count = atol(argv[5]);
	window = argc > 7 ? atol(argv[7]) : 32;
	file = fopen(argv[6], "rb");
	if(!file){
		perror("bare-publisher: payload file");
		return 1;
	}
	fseek(file, 0, SEEK_END);
	size = ftell(file);
	fseek(file, 0, SEEK_SET);
	payload = malloc(size > 0 ? size : 1);
	if(!payload || fread(payload, 1, size, file) != (size_t)size){
		fprintf(stderr, "bare-publisher: cannot read the payload file\n");
		return 1;
	}
	fclose(file);

	mosquitto_lib_init();
	mosq = mosquitto_new(NULL, true, NULL);
	mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_publish_callback_set(mosq, on_publish);
	rc = mosquitto_connect(mosq, argv[1], atoi(argv[2]), 60);
	if(rc != MOSQ_ERR_SUCCESS){
		fprintf(stderr, "bare-publisher: connect failed: %s\n", mosquitto_strerror(rc));
		return 1;
	}
	mosquitto_loop_start(mosq);
	pthread_mutex_lock(&lock);
	while(connected == 0){
		pthread_cond_wait(&changed, &lock);
	}
	pthread_mutex_unlock(&lock);
	if(connected < 0){
		fprintf(stderr, "bare-publisher: connection refused\n");
		return 1;
	}

	started = now_seconds();
	for(i = 0; i < count; i++){
		pthread_mutex_lock(&lock);
		while(qos > 0 && in_flight >= window){
			pthread_cond_wait(&changed, &lock);
		}
		in_flight++;
		pthread_mutex_unlock(&lock);
		rc = mosquitto_publish(mosq, NULL, argv[3], (int)size, payload, qos, false);
		if(rc != MOSQ_ERR_SUCCESS){
			fprintf(stderr, "bare-publisher: publish failed: %s\n", mosquitto_strerror(rc));
			return 1;
		}
	}
	pthread_mutex_lock(&lock);
	while(acknowledged < count){
		pthread_cond_wait(&changed, &lock);
	}
	pthread_mutex_unlock(&lock);
	seconds = now_seconds() - started;
	printf("{\"messages\":%ld,\"seconds\":%.6f,\"rate\":%.1f}\n", count, seconds, seconds > 0 ? (double)count / seconds : 0.0);
	fflush(stdout);
	mosquitto_disconnect(mosq);
	mosquitto_loop_stop(mosq, false);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	return 0;
}
