print("store-bench")
