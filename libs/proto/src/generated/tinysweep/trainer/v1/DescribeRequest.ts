// Original file: trainer.proto


export interface DescribeRequest {
}

export interface DescribeRequest__Output {
}
