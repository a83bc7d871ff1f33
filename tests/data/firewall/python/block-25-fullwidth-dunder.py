# firewall: block dunder-attribute
x = ().__ｃｌａｓｓ__
