-- One database per service: each service owns its tables.
CREATE DATABASE sync_command;
CREATE DATABASE status_projection;
CREATE DATABASE erp_intacct;
CREATE DATABASE erp_qbo;
CREATE DATABASE erp_netsuite;
