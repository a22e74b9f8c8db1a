terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 3.110"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

provider "azurerm" {
  features {}
}

resource "aws_iam_role" "sagemaker" {
  name = "ticket-router-sagemaker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# Research notebook: internet access straight from the instance, root for pip installs,
# and no customer-managed KMS key for the attached volume.
resource "aws_sagemaker_notebook_instance" "research" {
  name                   = "ticket-router-research"
  role_arn               = aws_iam_role.sagemaker.arn
  instance_type          = "ml.t3.medium"
  direct_internet_access = "Enabled"
  root_access            = "Enabled"
  volume_size            = 20
}

resource "aws_sagemaker_model" "ticket_router" {
  name               = "ticket-router"
  execution_role_arn = aws_iam_role.sagemaker.arn

  primary_container {
    image          = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-inference:2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04"
    model_data_url = "s3://demo-org-models/ticket-router/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "ticket_router" {
  name = "ticket-router"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.ticket_router.name
    initial_instance_count = 1
    instance_type          = "ml.m5.large"
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 100
    destination_s3_uri          = "s3://demo-org-models/ticket-router/capture"

    capture_options {
      capture_mode = "Input"
    }
    capture_options {
      capture_mode = "Output"
    }
  }
}

resource "aws_sagemaker_endpoint" "ticket_router" {
  name                 = "ticket-router"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.ticket_router.name
}

resource "azurerm_resource_group" "ai" {
  name     = "rg-demo-ai"
  location = "westeurope"
}

resource "azurerm_cognitive_account" "openai" {
  name                          = "demo-org-openai"
  location                      = azurerm_resource_group.ai.location
  resource_group_name           = azurerm_resource_group.ai.name
  kind                          = "OpenAI"
  sku_name                      = "S0"
  custom_subdomain_name         = "demo-org-openai"
  public_network_access_enabled = true
  local_auth_enabled            = true
}

resource "azurerm_cognitive_deployment" "chat" {
  name                 = "gpt-4o-mini"
  cognitive_account_id = azurerm_cognitive_account.openai.id

  model {
    format  = "OpenAI"
    name    = "gpt-4o-mini"
    version = "2024-07-18"
  }

  scale {
    type = "Standard"
  }
}
