mod reliability;
