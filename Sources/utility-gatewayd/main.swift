print("utility-gatewayd")
